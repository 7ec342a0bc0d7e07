// @vitest-environment node
import { describe, expect, it } from "vitest";
import { formatDateTime, formatDateTimeZone, hoursMinutes, isoWeekday, workingMsLeft } from "./format";
import { localeFor } from "./i18n";

const H = 3600_000;

describe("working time left", () => {
  it("counts only the partner's working days, in its time zone", () => {
    // Friday 2026-12-04 20:00 in Rome -> Tuesday 00:00 in Rome: Fri 4 h + Mon 24 h.
    const now = new Date("2026-12-04T19:00:00Z");
    const deadline = new Date("2026-12-07T23:00:00Z");
    expect(workingMsLeft(now, deadline, "Europe/Rome")).toBe(28 * H);
  });

  it("follows the time zone, not the browser's", () => {
    // Saturday 00:30 in Tokyo is still Friday in Rome.
    const now = new Date("2026-12-04T15:30:00Z");
    const deadline = new Date("2026-12-04T16:30:00Z");
    expect(workingMsLeft(now, deadline, "Asia/Tokyo")).toBe(0);
    expect(workingMsLeft(now, deadline, "Europe/Rome")).toBe(H);
  });

  it("honours a calendar with Saturdays", () => {
    const now = new Date("2026-12-05T08:00:00Z"); // Saturday
    const deadline = new Date("2026-12-05T10:15:00Z");
    expect(workingMsLeft(now, deadline, "Europe/Rome", [1, 2, 3, 4, 5])).toBe(0);
    expect(workingMsLeft(now, deadline, "Europe/Rome", [1, 2, 3, 4, 5, 6])).toBe(2.25 * H);
  });

  it("is zero past the deadline", () => {
    expect(workingMsLeft(new Date("2026-12-08T10:00:00Z"), new Date("2026-12-07T10:00:00Z"), "UTC")).toBe(0);
  });

  it("rounds down to whole minutes", () => {
    expect(hoursMinutes(47 * H + 59 * 60_000 + 59_999)).toEqual({ hours: 47, minutes: 59 });
    expect(hoursMinutes(-5)).toEqual({ hours: 0, minutes: 0 });
  });

  it("knows the ISO weekday in a zone", () => {
    expect(isoWeekday(new Date("2026-12-06T23:30:00Z"), "Europe/Rome")).toBe(1); // Monday 00:30
    expect(isoWeekday(new Date("2026-12-06T23:30:00Z"), "UTC")).toBe(7);
  });
});

describe("dates in the user's locale", () => {
  it("shows the deadline in the partner's zone, in the user's words", () => {
    const iso = "2026-12-01T23:00:00Z";
    expect(formatDateTime(iso, "de-DE", "Europe/Rome")).toBe("02.12.2026, 00:00");
    expect(formatDateTime(iso, "it-IT", "Europe/Rome")).toContain("2 dic 2026");
    expect(formatDateTime(iso, "en-GB", "Europe/London")).toBe("1 Dec 2026, 23:00");
  });
});

describe("dates in the browser's own locale, on a 24-hour clock", () => {
  it("takes the browser's region for the app's language", () => {
    expect(localeFor("en", ["en-GB", "de"])).toBe("en-GB");
    expect(localeFor("en", ["de-CH", "en-US"])).toBe("en-US");
    expect(localeFor("de", ["de-AT"])).toBe("de-AT");
    expect(localeFor("de", ["en-GB"])).toBe("de-DE");
    expect(localeFor("en", [])).toBe("en-GB");
  });

  it("shows a midnight deadline as 00:00 with the zone's short name", () => {
    const midnight = "2026-12-01T23:00:00Z";
    expect(formatDateTime(midnight, "en-GB", "Europe/Rome")).toBe("2 Dec 2026, 00:00");
    expect(formatDateTime(midnight, "en-US", "Europe/Rome")).not.toMatch(/AM|PM/);
    expect(formatDateTimeZone(midnight, "en-GB", "Europe/Rome")).toBe("2 Dec 2026, 00:00 CET");
    expect(formatDateTime(midnight, "de-DE", "Europe/Rome")).toBe("02.12.2026, 00:00");
  });
});
