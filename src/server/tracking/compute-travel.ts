import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../db/client";
import { detectSessionGaps } from "./detect-gaps";

/** Fixes reported worse than this are ignored for distance (a 100 m circle is a city block). */
export const MAX_TRAVEL_ACCURACY_M = 100;

export type TravelFigures = { raw_m: number; filtered_m: number; raw_points: number; kept_points: number };

/**
 * The day's travel from a session's pings, measured in PostGIS on the WGS84 spheroid
 * (docs/decisions/0004-travel-distance-filter.md). `raw_m` sums every consecutive pair in
 * captured_at order; `filtered_m` drops fixes worse than 100 m, fixes the client marked
 * `network`, and moves smaller than the two fixes' combined accuracy, comparing each fix with
 * the last one KEPT (so slow jitter cannot add up). The jitter walk is sequential, so it runs as
 * a recursive CTE over arrays (O(1) index per step) instead of a self-join per row.
 */
/**
 * The filter walk as CTEs `pts` (the candidate fixes as arrays) and `walk` (one row per step; `k` = index of
 * the last kept fix). Coordinates travel as float8 arrays, not geography[]: subscripting an array of a
 * fixed-length type is O(1), of a varlena type O(index), which made the walk quadratic (measured: 2,400
 * fixes 199 ms → 62 ms). Each step still measures on the spheroid with ST_Distance(geography, geography).
 */
function walkCtes(sessionId: number): SQL {
  const point = (i: SQL) => sql`ST_SetSRID(ST_MakePoint(pts.x[${i}], pts.y[${i}]), 4326)::geography`;
  return sql`
    pts AS (
      SELECT array_agg(ST_X(coords::geometry) ORDER BY captured_at, id) AS x, array_agg(ST_Y(coords::geometry) ORDER BY captured_at, id) AS y,
             array_agg(accuracy_m::float8 ORDER BY captured_at, id) AS a, array_agg(id ORDER BY captured_at, id) AS ids
      FROM location_pings
      WHERE session_id = ${sessionId} AND accuracy_m <= ${MAX_TRAVEL_ACCURACY_M} AND coalesce(source, '') <> 'network'
    ),
    walk AS (
      SELECT 1 AS i, 1 AS k, 0::float8 AS m, 1 AS kept FROM pts WHERE coalesce(cardinality(pts.a), 0) > 0
      UNION ALL
      SELECT w.i + 1,
             CASE WHEN x.d >= x.lim THEN w.i + 1 ELSE w.k END,
             w.m + CASE WHEN x.d >= x.lim THEN x.d ELSE 0 END,
             w.kept + CASE WHEN x.d >= x.lim THEN 1 ELSE 0 END
      FROM walk w CROSS JOIN pts
      CROSS JOIN LATERAL (SELECT ST_Distance(${point(sql`w.k`)}, ${point(sql`w.i + 1`)})::float8 AS d, pts.a[w.k] + pts.a[w.i + 1] AS lim) x
      WHERE w.i < cardinality(pts.a)
    )`;
}

export async function sessionTravel(db: Db, sessionId: number): Promise<TravelFigures> {
  const rows = await queryRows<{ raw_m: number | string | null; raw_points: number | string; filtered_m: number | string | null; kept_points: number | string | null }>(
    db,
    sql`
    WITH RECURSIVE ordered AS (
      SELECT coords, lag(coords) OVER (ORDER BY captured_at, id) AS prev
      FROM location_pings WHERE session_id = ${sessionId}
    ),
    raw AS (
      SELECT coalesce(sum(ST_Distance(prev, coords)), 0)::float8 AS raw_m, count(*) AS raw_points FROM ordered
    ),
    ${walkCtes(sessionId)},
    last_step AS (SELECT m, kept FROM walk ORDER BY i DESC LIMIT 1)
    SELECT raw.raw_m, raw.raw_points, (SELECT m FROM last_step) AS filtered_m, (SELECT kept FROM last_step) AS kept_points FROM raw`,
  );
  const r = rows[0];
  return {
    raw_m: Number(r?.raw_m ?? 0),
    raw_points: Number(r?.raw_points ?? 0),
    filtered_m: Number(r?.filtered_m ?? 0),
    kept_points: Number(r?.kept_points ?? 0),
  };
}

/** Ids of the session's pings that the travel filter keeps (for the trail view). */
export async function keptPingIds(db: Db, sessionId: number): Promise<Set<number>> {
  const rows = await queryRows<{ id: number | string }>(db, sql`WITH RECURSIVE ${walkCtes(sessionId)} SELECT DISTINCT pts.ids[walk.k] AS id FROM walk CROSS JOIN pts`);
  return new Set(rows.map((r) => Number(r.id)));
}

/** Stores the session's filtered travel (km, 2 decimals) in daily_sessions.total_travel_km. */
export async function storeSessionTravel(tx: Db, sessionId: number): Promise<{ total_travel_km: number }> {
  const { filtered_m } = await sessionTravel(tx, sessionId);
  const km = Math.round(filtered_m / 10) / 100;
  await tx.execute(sql`UPDATE daily_sessions SET total_travel_km = ${km.toFixed(2)}, updated_at = now() WHERE id = ${sessionId}`);
  return { total_travel_km: km };
}

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
