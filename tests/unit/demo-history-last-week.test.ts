/**
 * The demo must answer "how did my team do last week?" whatever the day and hour a newcomer first starts it (the
 * seed runs then, with `now`): the Reports page opens on "last week", so the seeded history has to cover that week's
 * working days in the organisation's zone, for any weekday and any hour of the start (midnight edges included).
 */
import { describe, expect, it } from "vitest";
import { planHistory } from "../../db/seed/history";
import { Random } from "../../db/seed/random";
import { presetRange } from "../../src/lib/report-presets";
import { addDays, isoWeekday, localDate, zonedInstant } from "../../src/lib/time";

const TZ = "Asia/Kolkata";
const WORK_DAYS = [1, 2, 3, 4, 5, 6]; // the migration's default: Monday to Saturday
const reps = Array.from({ length: 3 }, (_, i) => ({ id: i + 1, key: `rep${i + 1}` }));
const locations = Array.from({ length: 40 }, (_, i) => ({ id: i + 1, lat: 12.9 + (i % 8) * 0.01, lng: 77.5 + Math.floor(i / 8) * 0.01, radius: 50 }));

/** Starts on each day of a week (Monday 2026-03-16 … Sunday), at the local day's first and last minutes and at noon. */
const starts = Array.from({ length: 7 }, (_, d) => addDays("2026-03-16", d)).flatMap((day) => [0, 12 * 60, 23 * 60 + 59].map((minute) => zonedInstant(day, minute, TZ)));

describe("demo history covers last week", () => {
  it.each(starts.map((now) => [now.toISOString(), now] as const))("started at %s", (_label, now) => {
    const today = localDate(now, TZ);
    const plan = planHistory({ random: new Random(20_260_601), reps, locations, today, timeZone: TZ, workDays: WORK_DAYS, historyDays: 30 });
    const week = presetRange("last_week", today);
    const days = new Set(plan.visits.map((v) => localDate(v.checkInTime, TZ)).filter((d) => d >= week.from && d <= week.to));
    const workDaysOfWeek = Array.from({ length: 7 }, (_, i) => addDays(week.from, i)).filter((d) => WORK_DAYS.includes(isoWeekday(d)));
    expect([...days].sort()).toEqual(workDaysOfWeek);
    // History only: every check-in happened before the start, on a day before today.
    expect(plan.visits.every((v) => v.checkInTime.getTime() < now.getTime() && v.plannedDate < today)).toBe(true);
  });
});
