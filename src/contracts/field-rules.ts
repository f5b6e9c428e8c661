/**
 * The field rules the phone and the server must both apply, declared once (issue #17.4). The PWA decides with them
 * what to record and how to batch it; the server decides with the same functions and numbers what to accept. A rule
 * that lived in two places drifted: the phone judged work hours to the minute (19:00:30 still "19:00", inside) while
 * the server judged them to the second (after 19:00, outside), so the phone recorded breadcrumbs the server refused.
 * Pure and dependency-free (Intl only), so both bundles import it.
 */
import { addDays, zonedInstant, zoneOffsetMinutes } from "../lib/time";

/** The organisation's work calendar: its IANA zone, start and end (minutes of the local day), ISO weekdays (1 = Monday). */
export type WorkHours = { timeZone: string; startMin: number; endMin: number; workDays: number[] };

/** "HH:MM" → minutes of the day. */
export const hhmmMinutes = (t: string): number => {
  const [h, m] = t.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** The work hours as the day plan carries them to the phone (HH:MM bounds, ISO weekdays) in the calendar's shape. */
export const workHoursOf = (wh: { start: string; end: string; days: number[] }, timeZone: string): WorkHours => ({
  timeZone,
  startMin: hhmmMinutes(wh.start),
  endMin: hhmmMinutes(wh.end),
  workDays: wh.days,
});

/**
 * THE work-hours rule: an instant is inside work hours when its org-local weekday is a work day and its org-local
 * wall clock lies in [start, end], both bounds inclusive and measured to the millisecond: with 09:00–19:00, 09:00:00.000
 * and 19:00:00.000 are inside, 08:59:59.999 and 19:00:00.001 are not (so 19:00:30 is after work hours, on both sides).
 * Also gives the instant's org-local calendar date (the day a fix belongs to).
 * Date, weekday and time all come from the wall clock `instant + zone offset` (the offset is remembered per quarter
 * hour, lib/time.ts): the server runs this for every fix of a ping batch.
 */
export function placeInWorkDay(instant: Date, hours: WorkHours): { date: string; inWorkHours: boolean } {
  const local = new Date(instant.getTime() + zoneOffsetMinutes(instant, hours.timeZone) * 60_000);
  const date = local.toISOString().slice(0, 10);
  const weekday = local.getUTCDay() || 7;
  const msOfDay = local.getTime() - Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  const inWorkHours = hours.workDays.includes(weekday) && msOfDay >= hours.startMin * 60_000 && msOfDay <= hours.endMin * 60_000;
  return { date, inWorkHours };
}

/** Whether `instant` is inside work hours (the rule above). */
export const insideWorkHours = (instant: Date, hours: WorkHours): boolean => placeInWorkDay(instant, hours).inWorkHours;

/**
 * "At the moment of capture": a check-in/out fix older than this when received is STALE_FIX (unless replayed from the
 * offline queue consistently, see visits/evidence.ts); a selfie's capture fix must be within this of the device time at
 * capture, and a live upload received within this of its device time. The phone warns and attaches a capture fix by it.
 */
export const CAPTURE_WINDOW_MS = 2 * 60_000;

/** Largest ping batch one request may carry; more answers 413 BATCH_TOO_LARGE (nothing written). The phone's replay packs up to it. */
export const MAX_PINGS_PER_BATCH = 500;

/** Most client gaps one ping batch may carry (more is a 400); the phone sends the rest with the next batch. */
export const MAX_GAPS_PER_BATCH = 100;

/** No fix for longer than this while the day is open is a gap (the server detects it; the phone labels its cause). */
export const GAP_THRESHOLD_MS = 5 * 60_000;

/** A planned stop as the stop-due rule sees it: its org-local day and planned wall-clock time ("HH:MM[:SS]", or none). */
export type PlannedStop = { date: string; planned_time: string | null };
/** The organisation's clock for the rule: its zone and the late threshold (settings `alert_late_check_in_minutes`). */
export type StopClock = { timeZone: string; lateMinutes: number };

/**
 * THE stop-due rule (issue #21), one for the rep timeline, the KPIs (due by now, completion, on time), the summary
 * report and the late check-in alert: a planned stop's deadline is its planned time + the organisation's late
 * threshold, or the end of its day when it has no planned time. A check-in at or before the deadline is on time.
 * Until the deadline has passed the stop is "upcoming" (not due: it counts in neither completion nor on-time);
 * once it has passed (strictly after) with no check-in it is "missed", and the late check-in alert may fire.
 * The SQL form for set-based queries is server/dashboard/stop-due.ts (same rule, tested to agree at the boundaries).
 */
export function stopDeadline(stop: PlannedStop, clock: StopClock): Date {
  if (!stop.planned_time) return zonedInstant(addDays(stop.date, 1), 0, clock.timeZone);
  const [h = 0, m = 0, sec = 0] = stop.planned_time.split(":").map(Number);
  return new Date(zonedInstant(stop.date, h * 60 + m, clock.timeZone).getTime() + sec * 1000 + clock.lateMinutes * 60_000);
}

/** Whether a planned stop is due at `now` (visited, or its deadline has passed): the KPIs' "due by now". */
export const stopIsDue = (stop: PlannedStop & { checked_in: boolean }, now: Date, clock: StopClock): boolean =>
  stop.checked_in || now.getTime() > stopDeadline(stop, clock).getTime();

/** A planned stop's state at `now`: visited (a check-in there), missed (deadline passed without one) or upcoming. */
export function stopState(stop: PlannedStop & { checked_in: boolean }, now: Date, clock: StopClock): "visited" | "missed" | "upcoming" {
  if (stop.checked_in) return "visited";
  return now.getTime() > stopDeadline(stop, clock).getTime() ? "missed" : "upcoming";
}

/** Whether a check-in at `checkIn` was on time for a stop with a planned time (at or before its deadline). */
export const checkInOnTime = (stop: PlannedStop, checkIn: Date, clock: StopClock): boolean => checkIn.getTime() <= stopDeadline(stop, clock).getTime();
