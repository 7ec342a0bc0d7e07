// App-wide state: who is signed in, the runtime config, the clock, the route, a status line.

import { signal } from "@preact/signals";
import type { Config, User } from "./auth";
import type { Duplicate, Inquiry } from "./api";

export const user = signal<User | null>(null);
export const config = signal<Config | null>(null);

/** Milliseconds to add to the browser's clock: the local stack runs a simulated clock. */
export const clockOffset = signal(0);
export const tick = signal(Date.now());

export function now(): Date {
  return new Date(tick.value + clockOffset.value);
}

/** The status line read out by screen readers (role=status). */
export const notice = signal<{ text: string; kind: "ok" | "error" } | null>(null);

export function say(text: string, kind: "ok" | "error" = "ok"): void {
  notice.value = { text, kind };
}

/** What `accept` answered, kept in memory for the duplicate check page. */
export const pendingDuplicates = new Map<string, { inquiry: Inquiry; duplicates: Duplicate[] }>();

function currentRoute(): string {
  return (typeof location === "undefined" ? "" : location.hash).replace(/^#/, "") || "/";
}

export const route = signal(currentRoute());

if (typeof window !== "undefined") {
  window.addEventListener("hashchange", () => {
    route.value = currentRoute();
  });
}

/** Bumped when the app goes to the page it is on, so that page loads afresh. */
export const refresh = signal(0);

export function go(path: string): void {
  if (currentRoute() === path) refresh.value += 1;
  else location.hash = path;
}
