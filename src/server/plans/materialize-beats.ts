import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client";
import { addDays, isoWeekday } from "@/lib/time";
import { orgDay, replacePendingStops } from "./day-plan";
import { reorderDay } from "./optimize-day-plan";

/** How far ahead the job writes plans. */
export const MATERIALIZE_DAYS = 14;

type ActiveBeat = { id: number; personnel_id: number; weekdays: number[] | string; every_weeks: number; starts_on: string; ends_on: string | null; stops: unknown; keep_order: boolean };

const DAY_MS = 86_400_000;
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
/** Monday-based week index, so "every 2 weeks from starts_on" counts calendar weeks. */
const weekIndex = (date: string) => Math.floor((dayNumber(date) - (isoWeekday(date) - 1) + 3) / 7);

export function beatFallsOn(beat: Pick<ActiveBeat, "weekdays" | "every_weeks" | "starts_on" | "ends_on">, date: string): boolean {
  const weekdays = typeof beat.weekdays === "string" ? beat.weekdays.replace(/[{}]/g, "").split(",").map(Number) : beat.weekdays.map(Number);
  if (date < beat.starts_on || (beat.ends_on && date > beat.ends_on)) return false;
  if (!weekdays.includes(isoWeekday(date))) return false;
  return (weekIndex(date) - weekIndex(beat.starts_on)) % Number(beat.every_weeks) === 0;
}

/**
 * The `beats-materialize` job: writes the plans of the next 14 days (organisation time zone, today included) from the
 * active beats of active people. A day is written only when it has never been planned (no plan_days row, no planned
 * stops), so a rerun adds nothing and a day a person edited is never overwritten; each day is claimed by inserting its
 * plan_days row first, so two overlapping runs cannot both write it. Beats falling on the same day for one rep are
 * merged (lowest id first, a customer once). The day is then optimised unless every beat of it says keep-order.
 * Returns what it wrote.
 */
export async function materializeBeats(db: Db, now: Date, only: { personnelId?: number } = {}): Promise<{ days: number; stops: number }> {
  const { today } = await orgDay(db, now);
  const beats = await queryRows<ActiveBeat>(
    db,
    sql`SELECT b.id, b.personnel_id, b.weekdays, b.every_weeks, b.starts_on::text AS starts_on, b.ends_on::text AS ends_on, b.stops, b.keep_order
        FROM beats b JOIN personnel p ON p.id = b.personnel_id AND p.active
        WHERE b.active AND b.starts_on <= ${addDays(today, MATERIALIZE_DAYS - 1)}::date AND (b.ends_on IS NULL OR b.ends_on >= ${today}::date)
          ${only.personnelId !== undefined ? sql`AND b.personnel_id = ${only.personnelId}` : sql``}
        ORDER BY b.personnel_id, b.id`,
  );
  let days = 0;
  let stops = 0;
  for (let k = 0; k < MATERIALIZE_DAYS; k++) {
    const date = addDays(today, k);
    const byRep = new Map<number, ActiveBeat[]>();
    for (const b of beats) if (beatFallsOn(b, date)) byRep.set(Number(b.personnel_id), [...(byRep.get(Number(b.personnel_id)) ?? []), b]);
    for (const [personnelId, list] of byRep) {
      const seen = new Set<number>();
      const dayStops: { location_id: number; planned_time: string | null }[] = [];
      for (const b of list) {
        const raw = (typeof b.stops === "string" ? JSON.parse(b.stops) : b.stops) as { location_id: number; planned_time: string | null }[];
        for (const s of raw) if (!seen.has(Number(s.location_id)) && seen.add(Number(s.location_id))) dayStops.push({ location_id: Number(s.location_id), planned_time: s.planned_time ?? null });
      }
      const wrote = await db.transaction(async (txRaw) => {
        const tx = txRaw as unknown as Db;
        const claimed = await queryRows<{ personnel_id: number }>(
          tx,
          sql`INSERT INTO plan_days (personnel_id, plan_date, source, beat_id)
              SELECT ${personnelId}, ${date}::date, 'beat', ${list[0]!.id}
              WHERE NOT EXISTS (SELECT 1 FROM planned_visits WHERE personnel_id = ${personnelId} AND planned_date = ${date}::date)
              ON CONFLICT DO NOTHING RETURNING personnel_id`,
        );
        if (claimed.length === 0) return false;
        await replacePendingStops(tx, null, personnelId, date, dayStops, "beat", list[0]!.id);
        if (!list.every((b) => b.keep_order)) await reorderDay(tx, null, personnelId, date, now, { source: "beat", beatId: list[0]!.id });
        return true;
      });
      if (wrote) {
        days++;
        stops += dayStops.length;
      }
    }
  }
  return { days, stops };
}
