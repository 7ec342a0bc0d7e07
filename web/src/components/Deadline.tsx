import { browserTimeZone, deadlineDateTime, hoursMinutes, workingMsLeft, zoneName } from "../format";
import { locale, t } from "../i18n";
import { now } from "../state";

const ZONES = "partner-zones";

/** A partner's time zone as its pending offers told it (the view says it only while pending),
 * kept so that its deadlines read the same after accept. */
export function rememberZone(partnerId: string | null | undefined, zone: string | null | undefined): void {
  if (!partnerId || !zone) return;
  try {
    const known = JSON.parse(localStorage.getItem(ZONES) ?? "{}") as Record<string, string>;
    if (known[partnerId] === zone) return;
    known[partnerId] = zone;
    localStorage.setItem(ZONES, JSON.stringify(known));
  } catch {
    // storage blocked: the zone is not kept
  }
}

/** The zone last seen for a partner, if any. */
export function rememberedZone(partnerId: string | null | undefined): string | undefined {
  if (!partnerId) return undefined;
  try {
    return (JSON.parse(localStorage.getItem(ZONES) ?? "{}") as Record<string, string>)[partnerId];
  } catch {
    return undefined;
  }
}

/** The deadline in the partner's time zone, with the zone named. */
export function DeadlineText({ deadline, timeZone }: { deadline: string; timeZone?: string }) {
  const zone = timeZone || browserTimeZone();
  return (
    <time dateTime={deadline}>
      {deadlineDateTime(deadline, locale(), zone)}{" "}
      <span class="muted small">{zoneName(new Date(deadline), locale(), zone)}</span>
    </time>
  );
}

const WINDOW_MS = 48 * 3600 * 1000;

/** Working time left until the deadline, counting down with the (simulated) clock. */
export function TimeLeft({
  deadline,
  timeZone,
  workingDays,
}: {
  deadline: string;
  timeZone?: string;
  workingDays?: number[];
}) {
  const words = t();
  const at = now();
  const end = new Date(deadline);
  if (end.getTime() <= at.getTime()) return <span class="overdue">{words.overdue}</span>;
  // The window is 48 working hours: a holiday ahead (unknown to the app) cannot stretch it.
  const left = Math.min(WINDOW_MS, workingMsLeft(at, end, timeZone || browserTimeZone(), workingDays));
  const { hours, minutes } = hoursMinutes(left);
  const urgent = left < 8 * 3600 * 1000;
  return (
    <span class={urgent ? "left urgent" : "left"}>
      <svg aria-hidden="true" class="clock-icon" viewBox="0 0 16 16" width="14" height="14">
        <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" stroke-width="1.6" />
        <path d="M8 4.5V8l2.5 1.6" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" />
      </svg>{" "}
      {words.workingLeft(hours, minutes)}
    </span>
  );
}
