// @vitest-environment node
import { describe, expect, it } from "vitest";
import type { Inquiry } from "../api";
import { filtersProblem, inboxOrder, queryOf, NO_FILTERS } from "./InquiryList";
import { bodyOf, fieldOf, formOf, parseTerritories, patchOf, territoriesText } from "./Partners";
import { defaultPeriod, periodLabel, timesSummary } from "./Reports";
import { eventText, stepsDone } from "./InquiryDetail";

const inquiry = (id: string, status: Inquiry["status"], created: string, deadline: string | null = null): Inquiry =>
  ({ id, status, created_at: created, assigned_at: created, deadline, progress: [] }) as unknown as Inquiry;

describe("the partner's inbox", () => {
  it("puts pending first by deadline, then the rest newest first", () => {
    const items = [
      inquiry("old-accepted", "accepted", "2026-11-01T10:00:00Z"),
      inquiry("late", "pending", "2026-11-03T10:00:00Z", "2026-11-06T10:00:00Z"),
      inquiry("new-closed", "closed", "2026-11-04T10:00:00Z"),
      inquiry("soon", "pending", "2026-11-02T10:00:00Z", "2026-11-05T10:00:00Z"),
      inquiry("soon-later-offer", "pending", "2026-11-02T11:00:00Z", "2026-11-05T10:00:00Z"),
    ];
    expect(inboxOrder(items).map((i) => i.id)).toEqual(["soon", "soon-later-offer", "late", "new-closed", "old-accepted"]);
  });
});

describe("HQ's filters", () => {
  it("refuse a period that ends before it starts, before asking the API", () => {
    expect(filtersProblem({ ...NO_FILTERS, from: "2026-11-20", to: "2026-11-01" })).toBe("'To' must not be before 'From'.");
    expect(filtersProblem({ ...NO_FILTERS, from: "2026-11-01", to: "2026-11-01" })).toBeNull();
    expect(filtersProblem({ ...NO_FILTERS, to: "2026-11-01" })).toBeNull();
  });

  it("send the contract's query parameters, and only those set", () => {
    const query = queryOf({ ...NO_FILTERS, partner_id: "wien", from: "2026-11-01", q: " Rossi " }, "returned");
    expect(query).toMatchObject({ status: "returned", partner_id: "wien", from: "2026-11-01", q: "Rossi", limit: 50 });
    expect(query.to).toBeUndefined();
    expect(query.cursor).toBeUndefined();
  });
});

describe("the partner form", () => {
  it("reads territories one per line", () => {
    expect(parseTerritories("it 39 38\n\nAT\nDE 8,9")).toEqual([
      { country: "IT", postal_prefixes: ["39", "38"] },
      { country: "AT", postal_prefixes: [""] },
      { country: "DE", postal_prefixes: ["8", "9"] },
    ]);
    expect(territoriesText([{ country: "AT", postal_prefixes: [""] }, { country: "IT", postal_prefixes: ["39"] }])).toBe("AT\nIT 39");
  });

  it("sends the second round's fields only where they matter", () => {
    const form = formOf({ id: "p1", name: " Alpin ", country: "it", timezone: "Europe/Rome", territories: [] });
    expect(bodyOf(form, null)).toEqual({
      name: "Alpin",
      country: "IT",
      timezone: "Europe/Rome",
      working_days: [1, 2, 3, 4, 5],
      territories: [],
      products: [],
    });
    const changed = { ...form, active: false, notify_emails: "a@x.it\nb@x.it", language: "de" };
    expect(bodyOf(changed, null)).toMatchObject({ active: false, notify_emails: ["a@x.it", "b@x.it"], language: "de" });
    const known = { name: "A", country: "IT", timezone: "Europe/Rome", territories: [], active: true, notify_emails: [], language: "en" };
    expect(bodyOf(form, known)).toMatchObject({ active: true, notify_emails: [], language: "en" });
  });

  it("patches only the fields changed against the partner as loaded", () => {
    const known = {
      id: "p1", name: "Alpin", country: "IT", subdivision: "BZ", timezone: "Europe/Rome",
      working_days: [1, 2, 3, 4, 5], territories: [{ country: "IT", postal_prefixes: ["39"] }],
      products: [], active: true, notify_emails: [], language: "de",
    };
    const form = formOf(known);
    expect(patchOf(form, known)).toEqual({});
    expect(patchOf({ ...form, active: false }, known)).toEqual({ active: false });
    expect(patchOf({ ...form, name: " Alpin Nord ", territories: "IT 39 38" }, known)).toEqual({
      name: "Alpin Nord",
      territories: [{ country: "IT", postal_prefixes: ["39", "38"] }],
    });
    expect(patchOf({ ...form, subdivision: "" }, known)).toEqual({ subdivision: null });
  });

  it("puts a nested 422 beside its field", () => {
    expect(fieldOf("territories.0.country")).toBe("territories");
    expect(fieldOf("timezone")).toBe("timezone");
    expect(fieldOf("path.partner_id")).toBe("id"); // a new partner's ID, refused in the path
  });
});

describe("reports", () => {
  it("defaults to the last 30 days", () => {
    expect(defaultPeriod(new Date("2026-12-31T10:00:00Z"))).toMatchObject({ from: "2026-12-02", to: "2026-12-31" });
  });

  it("sums decision times up to 0.01 hours, as the table shows them", () => {
    const total = { assigned: 2, accepted: 2, rejected: 0, expired: 0, pending: 0, decision_hours: { median: 0.04, p90: 0.06, max: 0.1 } };
    expect(timesSummary(total, "en-GB")).toBe("Median 0.04 hours, 90th percentile 0.06 hours");
  });

  it("names periods in the user's words", () => {
    expect(periodLabel("2026-12", "de-DE")).toBe("Dez. 2026");
    expect(periodLabel("2026-W49", "en")).toBe("2026 W49");
    expect(periodLabel("2026-12-01", "en-GB")).toBe("1 Dec");
  });
});

describe("the detail view", () => {
  it("knows the steps done from progress and events", () => {
    const done = stepsDone({
      ...inquiry("x", "accepted", "2026-11-01T10:00:00Z"),
      progress: [{ step: "contacted", at: "2026-11-02T10:00:00Z" }],
      events: [{ at: "2026-11-03T10:00:00Z", action: "progress", step: "offer_sent" }],
    });
    expect([...done].sort()).toEqual(["contacted", "offer_sent"]);
  });
});

describe("the history", () => {
  it("tells an automatic re-routing from whom, why and to whom", () => {
    const text = eventText({
      at: "2026-12-01T10:00:00Z", actor: "system", action: "rerouted",
      partner_id: "meran", to_partner_id: "alpin", cause: "out_of_area", step: 1, of: 2,
    });
    expect(text).toBe("Passed on automatically (Outside our area) meran → alpin 1/2");
    const ended = eventText({
      at: "2026-12-01T10:00:00Z", action: "reroute_ended", partner_id: "alpin", cause: "expired", reason: "limit",
    });
    expect(ended).toBe("Left with HQ (Deadline passed) alpin : automatic passes used up");
  });

  it("tells a partner's hand-over from HQ's assignment to its own user", () => {
    const handed = eventText({ at: "2026-12-01T10:00:00Z", action: "assigned", user_id: "luca", partner_id: "alpin" });
    expect(handed).toBe("Handed to a colleague → luca");
    expect(eventText({ at: "2026-12-01T10:00:00Z", action: "assigned", user_id: "giulia.hq" })).toBe("With HQ user → giulia.hq");
  });
});
