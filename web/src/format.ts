// Dates, times and numbers in the user's locale (Intl); the deadline in the partner's time zone.

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const weekdayFormats = new Map<string, Intl.DateTimeFormat>();

/** ISO weekday (1 = Monday) of an instant in a time zone. */
export function isoWeekday(at: Date, timeZone: string): number {
  let format = weekdayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { weekday: "short", timeZone });
    weekdayFormats.set(timeZone, format);
  }
  return WEEKDAYS[format.format(at)] ?? 1;
}

const QUARTER = 15 * 60 * 1000;

/**
 * Working milliseconds from `now` to `deadline`: the time that falls on the partner's working
 * days in its time zone (whole days count, as in the deadline rule). Holidays are not known to
 * the app, so on a holiday this says a little more than the API's own clock would.
 */
export function workingMsLeft(
  now: Date,
  deadline: Date,
  timeZone: string,
  workingDays: readonly number[] = [1, 2, 3, 4, 5],
): number {
  let left = 0;
  let cursor = now.getTime();
  const end = deadline.getTime();
  while (cursor < end) {
    // Steps end on UTC quarter hours, which every time zone's midnight is.
    const next = Math.min(end, (Math.floor(cursor / QUARTER) + 1) * QUARTER);
    if (workingDays.includes(isoWeekday(new Date(cursor), timeZone))) left += next - cursor;
    cursor = next;
  }
  return left;
}

/** Hours and minutes of a duration, rounded down to the minute. */
export function hoursMinutes(ms: number): { hours: number; minutes: number } {
  const minutes = Math.max(0, Math.floor(ms / 60000));
  return { hours: Math.floor(minutes / 60), minutes: minutes % 60 };
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/**
 * A date and time in the locale's order, always on a 24-hour clock: a deadline at midnight
 * reads "00:00", never "12:00 AM".
 */
export function formatDateTime(iso: string | null | undefined, locale: string, timeZone?: string): string {
  if (!iso) return "";
  return new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    timeStyle: "short",
    hourCycle: "h23",
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(iso));
}

/** A date and time with its zone's short name (e.g. "2 Dec 2026, 00:00 CET"). */
export function formatDateTimeZone(iso: string, locale: string, timeZone: string): string {
  return `${formatDateTime(iso, locale, timeZone)} ${zoneName(new Date(iso), locale, timeZone)}`;
}

/**
 * A deadline in its time zone, the zone named. A deadline at midnight ends the day before: it
 * reads "1 Dec 2026, 24:00 CET", not "2 Dec 2026, 00:00", which reads as a day still free.
 */
export function formatDeadline(iso: string, locale: string, timeZone: string): string {
  return `${deadlineDateTime(iso, locale, timeZone)} ${zoneName(new Date(iso), locale, timeZone)}`;
}

/** A deadline's date and time in its zone (midnight as 24:00 of the day before), no zone. */
export function deadlineDateTime(iso: string, locale: string, timeZone: string): string {
  const at = new Date(iso);
  const shown = formatDateTime(iso, locale, timeZone);
  if (!/\b00:00\b/.test(shown)) return shown;
  // The minute before is 23:59 of the day before, in every zone's clock.
  return formatDateTime(new Date(at.getTime() - 60_000).toISOString(), locale, timeZone).replace(/\b23:59\b/, "24:00");
}

export function formatDate(iso: string, locale: string): string {
  // A calendar day (YYYY-MM-DD) shown as such, whatever the browser's zone.
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(
    new Date(`${iso.slice(0, 10)}T00:00:00Z`),
  );
}

export function formatNumber(value: number | null | undefined, locale: string, digits = 1): string {
  if (value === null || value === undefined) return "–";
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
}

export function formatPercent(value: number | null | undefined, locale: string): string {
  if (value === null || value === undefined) return "–";
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 }).format(value);
}

/** The short name of a time zone as the locale says it (e.g. "CET"), for labels. */
export function zoneName(at: Date, locale: string, timeZone: string): string {
  const name = (tag: string) =>
    new Intl.DateTimeFormat(tag, { timeZone, timeZoneName: "short" }).formatToParts(at).find((p) => p.type === "timeZoneName")?.value;
  const own = name(locale) ?? timeZone;
  // American English names Central Europe's zone only by its offset ("GMT+1") where German
  // and Italian say MEZ/CET: British English has the name.
  if (/^GMT[+-]/.test(own) && locale.toLowerCase().startsWith("en")) return name("en-GB") ?? own;
  return own;
}

/** YYYY-MM-DD of a date, in UTC (the report's whole days are UTC days). */
export function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
