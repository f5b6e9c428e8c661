import "server-only";
import { sql } from "drizzle-orm";
import { filteredTravel, TRAVEL_FILTER, type Fix } from "@/lib/geo/travel-filter";
import { arrayLiteral } from "../db/array-literal";
import { queryRows, type Db } from "../db/client";
import { ph, preparedStatement } from "../db/prepared";
import { detectSessionGaps } from "./detect-gaps";

/** Fixes reported worse than this are ignored for distance (a 100 m circle is a city block). */
export const MAX_TRAVEL_ACCURACY_M = TRAVEL_FILTER.maxAccuracyM;

export type TravelFigures = { raw_m: number; filtered_m: number; raw_points: number; kept_points: number };

type PingRow = { id: number | string; x: number | string; y: number | string; a: number | string; t: number | string; source: string | null };

const sessionPings = preparedStatement(
  "travel_session_pings",
  () =>
    sql`SELECT id, ST_X(coords::geometry) AS x, ST_Y(coords::geometry) AS y, accuracy_m::float8 AS a,
               (extract(epoch FROM captured_at) * 1000)::float8 AS t, source
        FROM location_pings WHERE session_id = ${ph("session_id")}::int ORDER BY captured_at, id`,
);

/**
 * Runs THE travel filter (src/lib/geo/travel-filter.ts, the one the phone runs; docs/decisions/0012) on the
 * session's stored pings in captured_at order (then id): accuracy, time order, implied speed and spikes decide which
 * fixes count. Returns the ping ids of the kept fixes and of each counted leg.
 */
async function filterSession(db: Db, sessionId: number): Promise<{ ids: number[]; keptIds: number[]; legs: [number, number][] }> {
  const rows = await sessionPings<PingRow>(db, { session_id: sessionId });
  const ids = rows.map((r) => Number(r.id));
  const fixes: Fix[] = rows.map((r) => ({ lat: Number(r.y), lon: Number(r.x), accuracy_m: Number(r.a), t: Number(r.t), source: r.source }));
  const result = filteredTravel(fixes);
  return { ids, keptIds: result.keptIndices.map((k) => ids[k]!), legs: result.legs.map(([a, b]) => [ids[a]!, ids[b]!]) };
}

/**
 * The day's travel from a session's pings (docs/decisions/0004 and 0012). The filter decides which moves count; the
 * counted legs are then measured in PostGIS on the WGS84 spheroid (never haversine on the server). `raw_m` sums
 * every consecutive pair in captured_at order, unfiltered, for diagnostics.
 */
export async function sessionTravel(db: Db, sessionId: number): Promise<TravelFigures> {
  const { ids, keptIds, legs } = await filterSession(db, sessionId);
  const rows = await queryRows<{ raw_m: number | string | null; filtered_m: number | string | null }>(
    db,
    sql`WITH ordered AS (
          SELECT coords, lag(coords) OVER (ORDER BY captured_at, id) AS prev FROM location_pings WHERE session_id = ${sessionId}
        )
        SELECT (SELECT coalesce(sum(ST_Distance(prev, coords)), 0)::float8 FROM ordered) AS raw_m,
               (SELECT coalesce(sum(ST_Distance(a.coords, b.coords)), 0)::float8
                  FROM unnest(${arrayLiteral(legs.map((l) => l[0]))}::bigint[], ${arrayLiteral(legs.map((l) => l[1]))}::bigint[]) AS leg(f, t)
                  JOIN location_pings a ON a.id = leg.f JOIN location_pings b ON b.id = leg.t) AS filtered_m`,
  );
  const r = rows[0];
  return { raw_m: Number(r?.raw_m ?? 0), raw_points: ids.length, filtered_m: Number(r?.filtered_m ?? 0), kept_points: keptIds.length };
}

/** Ids of the session's pings that the travel filter keeps (for the trail view). */
export async function keptPingIds(db: Db, sessionId: number): Promise<Set<number>> {
  return new Set((await filterSession(db, sessionId)).keptIds);
}

/**
 * Stores the session's filtered travel (km, 2 decimals) in daily_sessions.total_travel_km: the kept legs are summed
 * and stored by one statement (the unfiltered diagnostic sum is not needed here). The rounding is `Math.round(m / 10)
 * / 100` written in SQL (floor(x + 0.5)), the same float operations as before.
 */
export async function storeSessionTravel(tx: Db, sessionId: number): Promise<{ total_travel_km: number }> {
  const { legs } = await filterSession(tx, sessionId);
  const [row] = await storeKm<{ km: number | string }>(tx, { session_id: sessionId, from: arrayLiteral(legs.map((l) => l[0])), to: arrayLiteral(legs.map((l) => l[1])) });
  return { total_travel_km: Number(row?.km ?? 0) };
}

const storeKm = preparedStatement(
  "travel_store_km",
  () =>
    sql`UPDATE daily_sessions SET total_travel_km = (floor(l.m / 10 + 0.5) / 100)::numeric, updated_at = now()
        FROM (SELECT coalesce(sum(ST_Distance(a.coords, b.coords)), 0)::float8 AS m
                FROM unnest(${ph("from")}::bigint[], ${ph("to")}::bigint[]) AS leg(f, t)
                JOIN location_pings a ON a.id = leg.f JOIN location_pings b ON b.id = leg.t) AS l
        WHERE daily_sessions.id = ${ph("session_id")}::int
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
