import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Inquiry } from "../api";
import { setLang } from "../i18n";
import { user } from "../state";
import { InquiryList, mergeLists } from "./InquiryList";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  user.value = null;
});

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/** `count` inquiries of one status, newest first, one minute apart from `start`. */
function made(status: string, count: number, start: number): Inquiry[] {
  return Array.from({ length: count }, (_, i) => {
    const minute = start - i;
    const created = new Date(Date.UTC(2026, 10, 1, 0, 0) + minute * 60_000).toISOString();
    return { id: `${status}-${String(i).padStart(3, "0")}`, status, product: "windows", created_at: created } as unknown as Inquiry;
  });
}

/** The API of `GET /inquiries`: one status's list, newest first, pages of `limit`, a cursor. */
function lists(byStatus: Record<string, Inquiry[]>) {
  const calls: string[] = [];
  const fetch = vi.fn(async (url: string) => {
    calls.push(url);
    if (url.startsWith("/partners")) return json({ items: [] });
    const query = new URL(url, "http://x").searchParams;
    const status = query.get("status") ?? "";
    const all = status ? byStatus[status] ?? [] : Object.values(byStatus).flat().sort((a, b) => b.created_at.localeCompare(a.created_at));
    const start = Number(query.get("cursor") ?? 0);
    const limit = Number(query.get("limit"));
    const end = start + limit;
    return json({ items: all.slice(start, end), next: end < all.length ? String(end) : null });
  });
  vi.stubGlobal("fetch", fetch);
  return calls;
}

function shownIds(): string[] {
  const table = screen.getByRole("table", { name: "Inquiries" });
  return [...table.querySelectorAll("a.id")].map((a) => a.textContent ?? "");
}

describe("HQ's queue of several statuses", () => {
  it("reaches the end of every status list, newest first across them", async () => {
    setLang("en");
    user.value = { role: "hq", partnerId: null, userId: "hq" };
    // 55 unassigned and 35 returned, interleaved in time: the oldest are unassigned.
    const unassigned = made("unassigned", 55, 1000);
    const returned = made("returned", 35, 990);
    lists({ unassigned, returned });
    render(<InquiryList />);
    await screen.findByText("unassigned-000");
    const expected = [...unassigned, ...returned].sort((a, b) => b.created_at.localeCompare(a.created_at)).map((i) => i.id);
    // The first page shows no row out of order: what it shows is the start of the whole list.
    const first = shownIds();
    expect(first).toEqual(expected.slice(0, first.length));
    fireEvent.click(screen.getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(shownIds()).toHaveLength(90));
    expect(shownIds()).toEqual(expected);
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
  });

  it("holds back no row when no list has more", () => {
    const merged = mergeLists([
      { status: "unassigned", items: [...made("unassigned", 1, 20), ...made("unassigned", 1, 10).map((i) => ({ ...i, id: "u-old" }))], next: null },
      { status: "returned", items: made("returned", 1, 15), next: null },
    ]);
    expect(merged.items.map((i) => i.id)).toEqual(["unassigned-000", "returned-000", "u-old"]);
    expect(merged.more).toBe(false);
  });
});

describe("HQ's search", () => {
  it("looks through every status when searched from Needs attention, and says so", async () => {
    setLang("en");
    user.value = { role: "hq", partnerId: null, userId: "hq" };
    const calls = lists({ unassigned: made("unassigned", 1, 10), pending: made("pending", 1, 5) });
    render(<InquiryList />);
    await screen.findByText("unassigned-000");
    fireEvent.input(screen.getByRole("searchbox", { name: "Search" }), { target: { value: "anna@example.com" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply" }));
    expect(await screen.findByText("pending-000")).toBeTruthy();
    expect(screen.getByText(/every status/)).toBeTruthy();
    const search = calls.filter((url) => url.includes("q=anna"));
    expect(search).toHaveLength(1);
    expect(search[0]).not.toContain("status=");
    expect((screen.getByRole("combobox", { name: "Status" }) as HTMLSelectElement).value).toBe("");
  });
});
