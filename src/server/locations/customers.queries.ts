import "server-only";
import { decodeNameCursor, encodeNameCursor } from "../db/name-cursor";
import { sql, type SQL } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { visiblePersonnelIds } from "../auth/scope";
import { queryRows, type Db } from "../db/client";
import { notFound } from "../errors";
import type { ListLocationsQuery, Location, LocationPage } from "@/contracts/locations";

type Row = {
  id: number;
  name: string;
  address: string | null;
  lat: number | string;
  lon: number | string;
  geofence_radius: number;
  location_type: string | null;
  external_ref: string | null;
  active: boolean;
  created_at: Date | string;
  updated_at: Date | string;
};

const SELECT = sql`SELECT l.id, l.name, l.address, ST_Y(l.coordinates::geometry) AS lat, ST_X(l.coordinates::geometry) AS lon, l.geofence_radius,
  l.location_type, l.external_ref, l.active, l.created_at, l.updated_at FROM locations l`;
const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString();

export const toLocation = (r: Row): Location => ({
  id: Number(r.id),
  name: r.name,
  address: r.address,
  lat: Number(r.lat),
  lon: Number(r.lon),
  geofence_radius: Number(r.geofence_radius),
  location_type: r.location_type,
  external_ref: r.external_ref,
  active: r.active,
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
});

/** One location by id (any status), or null. */
export async function loadLocation(db: Db, id: number): Promise<Location | null> {
  const [row] = await queryRows<Row>(db, sql`${SELECT} WHERE l.id = ${id}`);
  return row ? toLocation(row) : null;
}

/** GET /api/v1/locations/{id}: every signed-in role reads customers (they are the organisation's, not a team's). */
export async function getLocationOrThrow(ctx: Ctx, id: number): Promise<Location> {
  requirePermission(ctx.actor, "locations.read");
  const loc = await loadLocation(ctx.db, id);
  if (!loc) throw notFound("Customer not found.");
  return loc;
}


/** The customer list, ordered by name (keyset on lower(name), id); `q` searches name, address and external ref. */
export async function listLocations(ctx: Ctx, f: ListLocationsQuery): Promise<LocationPage> {
  requirePermission(ctx.actor, "locations.read");
  const where: SQL[] = [sql`true`];
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (ch) => "\\" + ch)}%`;
    where.push(sql`(l.name ILIKE ${like} OR l.address ILIKE ${like} OR l.external_ref ILIKE ${like})`);
  }
  if (f.active !== undefined) where.push(sql`l.active = ${f.active}`);
  if (f.type) where.push(sql`l.location_type = ${f.type}`);
  if (f.cursor) {
    const c = decodeNameCursor(f.cursor);
    where.push(sql`(lower(l.name), l.id) > (${c.n}, ${c.id})`);
  }
  const rows = await queryRows<Row>(ctx.db, sql`${SELECT} WHERE ${sql.join(where, sql` AND `)} ORDER BY lower(l.name), l.id LIMIT ${f.limit + 1}`);
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return { items: page.map(toLocation), next_cursor: rows.length > f.limit && last ? encodeNameCursor({ n: last.name.toLowerCase(), id: last.id }) : null };
}

export type RecentVisit = { id: number; personnel_name: string; check_in_time: string; check_out_time: string | null; distance_m: number | null; status: string | null };

/** The customer page's recent visits with their verdicts (managers see their team's, admins everyone's). */
export async function recentVisitsAt(ctx: Ctx, locationId: number, limit = 20): Promise<RecentVisit[]> {
  requirePermission(ctx.actor, "team.read");
  const rows = await queryRows<{ id: number; personnel_name: string; check_in_time: Date | string; check_out_time: Date | string | null; distance_m: number | string | null; status: string | null }>(
    ctx.db,
    sql`SELECT v.id, p.name AS personnel_name, v.check_in_time, v.check_out_time, (SELECT lv.distance_from_location FROM location_validations lv WHERE lv.visit_id = v.id AND lv.distance_from_location IS NOT NULL ORDER BY lv.id LIMIT 1) AS distance_m, v.validation_status::text AS status
        FROM visits v JOIN personnel p ON p.id = v.personnel_id
        WHERE v.location_id = ${locationId} AND v.check_in_time IS NOT NULL AND v.personnel_id IN (${visiblePersonnelIds(ctx.actor)})
        ORDER BY v.check_in_time DESC LIMIT ${limit}`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    personnel_name: r.personnel_name,
    check_in_time: iso(r.check_in_time),
    check_out_time: r.check_out_time ? iso(r.check_out_time) : null,
    distance_m: r.distance_m === null ? null : Number(r.distance_m),
    status: r.status,
  }));
}

/** The customer types in use, for the list's filter. */
export async function listLocationTypes(ctx: Ctx): Promise<string[]> {
  requirePermission(ctx.actor, "locations.read");
  const rows = await queryRows<{ t: string }>(ctx.db, sql`SELECT DISTINCT location_type AS t FROM locations WHERE location_type IS NOT NULL ORDER BY 1 LIMIT 200`);
  return rows.map((r) => r.t);
}
