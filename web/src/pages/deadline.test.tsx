import { cleanup, render, screen } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { rememberZone } from "../components/Deadline";
import { formatDeadline, zoneName } from "../format";
import { setLang } from "../i18n";
import { user } from "../state";
import { InquiryDetail, eventText } from "./InquiryDetail";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  user.value = null;
  localStorage.clear();
});

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

// Midnight of 2 December in Rome: the deadline ends 1 December.
const MIDNIGHT = "2026-12-01T23:00:00Z";

describe("a deadline", () => {
  it("at midnight reads as the end of the day before, in every language, the zone named alike", () => {
    expect(formatDeadline(MIDNIGHT, "en-GB", "Europe/Rome")).toBe("1 Dec 2026, 24:00 CET");
    expect(formatDeadline(MIDNIGHT, "de-DE", "Europe/Rome")).toBe("01.12.2026, 24:00 MEZ");
    expect(formatDeadline(MIDNIGHT, "it-IT", "Europe/Rome")).toBe("1 dic 2026, 24:00 CET");
    expect(formatDeadline("2026-12-02T13:30:00Z", "en-GB", "Europe/Rome")).toBe("2 Dec 2026, 14:30 CET");
    expect(zoneName(new Date(MIDNIGHT), "en-US", "Europe/Rome")).toBe("CET");
  });

  it("in the history is in the zone of the partner it was offered to", () => {
    setLang("en");
    const offered = { at: "2026-11-29T21:29:00Z", actor: "system", action: "offered", partner_id: "alpin-bz", deadline: MIDNIGHT };
    const text = eventText(offered, (partner) => (partner === "alpin-bz" ? "Europe/Rome" : "UTC"));
    expect(text).toMatch(/Deadline: (Dec 1, 2026|1 Dec 2026), 24:00 CET/);
  });

  it("in the history is in the zone the event names, in a browser that never saw the offer", () => {
    setLang("en");
    const offered = { at: "2026-11-29T21:29:00Z", actor: "system", action: "offered", partner_id: "alpin-bz", deadline: MIDNIGHT, timezone: "Europe/Rome" };
    // Nothing remembered, no partner list: only the event says where the partner is.
    expect(eventText(offered, () => null)).toMatch(/Deadline: (Dec 1, 2026|1 Dec 2026), 24:00 CET/);
  });

  it("reads the same in the history after accept as in the offer before", async () => {
    setLang("de");
    user.value = { role: "partner", partnerId: "alpin-bz", userId: "alpin-bz" };
    const offered = { at: "2026-11-29T21:29:00Z", actor: "system", action: "offered", partner_id: "alpin-bz", deadline: MIDNIGHT };
    const pending = { id: "inq-1", status: "pending", product: "windows", created_at: "2026-11-29T21:29:00Z", partner_id: "alpin-bz", deadline: MIDNIGHT, timezone: "Europe/Rome", events: [offered], progress: [] };
    let view: object = pending;
    vi.stubGlobal("fetch", vi.fn(async () => json(view)));
    const first = render(<InquiryDetail id="inq-1" />);
    expect(await screen.findByText(/Frist: 01\.12\.2026, 24:00 MEZ/)).toBeTruthy();
    first.unmount();
    // After accept the view has no zone any more (docs/api.md): the history keeps the partner's.
    view = { ...pending, status: "accepted", deadline: null, timezone: null };
    render(<InquiryDetail id="inq-1" />);
    expect(await screen.findByText(/Frist: 01\.12\.2026, 24:00 MEZ/)).toBeTruthy();
    expect(screen.queryByText(/UTC/)).toBeNull();
  });

  it("in HQ's history is in the partner's zone from the partner list", async () => {
    setLang("en");
    user.value = { role: "hq", partnerId: null, userId: "hq" };
    rememberZone("nobody", "UTC");
    const offered = { at: "2026-11-29T21:29:00Z", actor: "system", action: "offered", partner_id: "alpin-bz", deadline: MIDNIGHT };
    const accepted = { id: "inq-1", status: "accepted", product: "windows", created_at: "2026-11-29T21:29:00Z", partner_id: "alpin-bz", deadline: null, timezone: null, events: [offered], progress: [] };
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string) => (url.startsWith("/partners") ? json({ items: [{ id: "alpin-bz", name: "Alpin", timezone: "Europe/Rome" }] }) : json(accepted))),
    );
    render(<InquiryDetail id="inq-1" />);
    expect(await screen.findByText(/Deadline: (Dec 1, 2026|1 Dec 2026), 24:00 CET/)).toBeTruthy();
  });
});
