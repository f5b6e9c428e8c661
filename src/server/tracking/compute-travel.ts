import "server-only";
import { sql } from "drizzle-orm";
import { filteredTravel, TRAVEL_FILTER } from "@/lib/geo/travel-filter";
import { afterCheckpoint, canResume, legKey, resumeDay, runDay, type DayFix, type TravelCheckpoint, type TravelRun } from "@/lib/geo/travel-checkpoint";
import { arrayLiteral } from "../db/array-literal";
import { queryRows, type Db } from "../db/client";
import { ph, preparedStatement } from "../db/prepared";
import { detectSessionGaps } from "./detect-gaps";
import { sessionFixes } from "./session-fixes";

/** Fixes reported worse than this are ignored for distance (a 100 m circle is a city block). */
export const MAX_TRAVEL_ACCURACY_M = TRAVEL_FILTER.maxAccuracyM;

export type TravelFigures = { raw_m: number; filtered_m: number; raw_points: number; kept_points: number };

type PingRow = { id: number | string; x: number | string; y: number | string; a: number | string; us: number | string | bigint; source: string | null };

// captured_at in whole microseconds (exact: the day's order key, and K's bound for a resumed run); a fix's time in ms
// is us / 1000, the same double as `(extract(epoch FROM captured_at) * 1000)::float8` (IEEE division rounds exactly).
const PING_COLUMNS = sql`id, ST_X(coords::geometry) AS x, ST_Y(coords::geometry) AS y, accuracy_m::float8 AS a,
               (extract(epoch FROM captured_at) * 1000000)::int8 AS us, source`;

const sessionPings = preparedStatement(
  "travel_session_pings",
  () => sql`SELECT ${PING_COLUMNS} FROM location_pings WHERE ${sessionFixes(ph("session_id"))} ORDER BY captured_at, id`,
);

/** The session's fixes from `from` on (a millisecond before a checkpoint's K: the caller keeps those sorting after K). */
const sessionPingsFrom = preparedStatement(
  "travel_session_pings_from",
  () =>
    sql`SELECT ${PING_COLUMNS} FROM location_pings
        WHERE ${sessionFixes(ph("session_id"))} AND captured_at >= ${ph("from")}::timestamptz ORDER BY captured_at, id`,
);

const toDayFix = (r: PingRow): DayFix => {
  const us = Number(r.us);
  return { id: Number(r.id), lat: Number(r.y), lon: Number(r.x), accuracy_m: Number(r.a), t: us / 1000, us, source: r.source };
};

/**
 * Runs THE travel filter (src/lib/geo/travel-filter.ts, the one the phone runs; docs/decisions/0012) on the
 * session's stored pings in captured_at order (then id): accuracy, time order, implied speed and spikes decide which
 * fixes count. Returns the session's fixes in that order, the ping ids of the kept ones and each counted leg's ends.
 */
async function filterSession(db: Db, sessionId: number): Promise<{ fixes: DayFix[]; keptIds: number[]; legs: [DayFix, DayFix][] }> {
  const fixes = (await sessionPings<PingRow>(db, { session_id: sessionId })).map(toDayFix);
  const result = filteredTravel(fixes);
  return { fixes, keptIds: result.keptIndices.map((k) => fixes[k]!.id), legs: result.legs.map(([a, b]) => [fixes[a]!, fixes[b]!]) };
}

/** The legs' spheroid metres, measured in PostGIS from their ends' stored coordinates (one statement). */
async function legMetres(db: Db, legs: readonly (readonly [{ lat: number; lon: number }, { lat: number; lon: number }])[]): Promise<number[]> {
  if (legs.length === 0) return [];
  const rows = await measureLegs<{ m: number | string }>(db, {
    alat: arrayLiteral(legs.map(([a]) => a.lat)),
    alon: arrayLiteral(legs.map(([a]) => a.lon)),
    blat: arrayLiteral(legs.map(([, b]) => b.lat)),
    blon: arrayLiteral(legs.map(([, b]) => b.lon)),
  });
  return rows.map((r) => Number(r.m));
}

/**
 * The day's travel from a session's pings (docs/decisions/0004 and 0012). The filter decides which moves count; the
 * counted legs are then measured in PostGIS on the WGS84 spheroid (never haversine on the server). `raw_m` sums
 * every consecutive pair in captured_at order, unfiltered, for diagnostics.
 */
export async function sessionTravel(db: Db, sessionId: number): Promise<TravelFigures> {
  const { fixes, keptIds, legs } = await filterSession(db, sessionId);
  const rows = await queryRows<{ raw_m: number | string | null }>(
    db,
    sql`SELECT coalesce(sum(ST_Distance(prev, coords)), 0)::float8 AS raw_m
        FROM (SELECT coords, lag(coords) OVER (ORDER BY captured_at, id) AS prev FROM location_pings WHERE ${sessionFixes(sessionId)}) AS ordered`,
  );
  const filtered = (await legMetres(db, legs)).reduce((sum, m) => sum + m, 0);
  return { raw_m: Number(rows[0]?.raw_m ?? 0), raw_points: fixes.length, filtered_m: filtered, kept_points: keptIds.length };
}

/** Ids of the session's pings that the travel filter keeps (for the trail view). */
export async function keptPingIds(db: Db, sessionId: number): Promise<Set<number>> {
  return new Set((await filterSession(db, sessionId)).keptIds);
}

/** What a ping batch knows when it updates a day: the day's checkpoint as read under its lock, and its new fixes' times. */
export type TravelHint = { checkpoint: unknown; addedUs: readonly number[] };

/**
 * Stores the session's filtered travel (km, 2 decimals) in daily_sessions.total_travel_km with the checkpoint the next
 * batch resumes from (src/lib/geo/travel-checkpoint.ts, docs/decisions/0013 "Day's km incremental"). Given a `hint`
 * whose new fixes all sort after the checkpoint's tip, the filter resumes from the checkpoint and reads only the fixes
 * after K; otherwise (no hint: the day's end, a late batch, no checkpoint yet) it runs over the whole day. Either way
 * the figure is the whole day's filter: only the legs not measured before are measured, on the spheroid in PostGIS.
 * The rounding is `Math.round(m / 10) / 100` written in SQL (floor(x + 0.5)), as before.
 */
export async function storeSessionTravel(tx: Db, sessionId: number, hint?: TravelHint): Promise<{ total_travel_km: number }> {
  let run: TravelRun | null = null;
  const cp = hint?.checkpoint as TravelCheckpoint | null | undefined;
  // New ids come after every stored one (a day's batches hold its row lock in turn), so they sort last among equal times.
  if (hint && canResume(cp, hint.addedUs.map((us) => ({ id: Number.MAX_SAFE_INTEGER, us })))) {
    const from = new Date(Math.floor(cp.k.us / 1000) - 1).toISOString();
    const after = (await sessionPingsFrom<PingRow>(tx, { session_id: sessionId, from })).map(toDayFix).filter((f) => afterCheckpoint(cp, f));
    run = resumeDay(cp, after);
  }
  run ??= runDay((await sessionPings<PingRow>(tx, { session_id: sessionId })).map(toDayFix));
  const metres = new Map<string, number>();
  if (run.unmeasured.length > 0) {
    const fix = new Map<number, { lat: number; lon: number }>();
    for (const f of run.fixes) fix.set(f.id, f);
    const legs = run.unmeasured;
    const m = await legMetres(tx, legs.map(([a, b]) => [fix.get(a)!, fix.get(b)!] as const));
    legs.forEach(([a, b], i) => metres.set(legKey(a, b), m[i]!));
  }
  const done = run.finish(metres);
  const [row] = await storeKm<{ km: number | string }>(tx, { session_id: sessionId, m: done.meters, cp: done.checkpoint ? JSON.stringify(done.checkpoint) : null });
  return { total_travel_km: Number(row?.km ?? 0) };
}

/** Spheroid metres of legs given by their end points (the stored coordinates, read back exactly), in order. */
const measureLegs = preparedStatement(
  "travel_measure_legs",
  () =>
    sql`SELECT ST_Distance(ST_SetSRID(ST_MakePoint(alon, alat), 4326)::geography, ST_SetSRID(ST_MakePoint(blon, blat), 4326)::geography)::float8 AS m
        FROM unnest(${ph("alat")}::float8[], ${ph("alon")}::float8[], ${ph("blat")}::float8[], ${ph("blon")}::float8[]) WITH ORDINALITY AS l(alat, alon, blat, blon, n)
        ORDER BY n`,
);

const storeKm = preparedStatement(
  "travel_store_km",
  () =>
    sql`UPDATE daily_sessions SET total_travel_km = (floor(${ph("m")}::float8 / 10 + 0.5) / 100)::numeric,
               travel_checkpoint = ${ph("cp")}::jsonb, updated_at = now()
        WHERE id = ${ph("session_id")}::int
        RETURNING total_travel_km::float8 AS km`,
);

/**
 * Recomputes daily_sessions.total_travel_km from the session's pings (filtered figure) and re-derives
 * its gaps. Called by the sessions use-case at session end, so the stretch from the last fix to the
 * day's end becomes a gap too; ping batches call the two parts themselves (with the client's gap causes).
 * A full recompute keeps late, out-of-order batches correct.
 */
export async function recomputeSessionTravel(tx: Db, sessionId: number): Promise<{ total_travel_km: number }> {
  const result = await storeSessionTravel(tx, sessionId);
  await detectSessionGaps(tx, sessionId);
  return result;
}
