import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client";
import { isoSql } from "../visits/visits.queries";
import type { OpenVisitJson, SessionJson } from "@/contracts/sessions";

const columns = sql`s.id, s.personnel_id, s.session_date::text AS session_date, ${isoSql(sql`s.login_time`)} AS login_time,
  ${isoSql(sql`s.logout_time`)} AS logout_time, s.total_visits, s.total_travel_km, s.status,
  s.start_client_id::text AS start_client_id, s.end_client_id::text AS end_client_id`;

type Raw = Record<string, unknown>;
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

function toSession(r: Raw): SessionJson {
  return {
    id: Number(r.id),
    personnel_id: Number(r.personnel_id),
    session_date: String(r.session_date),
    login_time: str(r.login_time),
    logout_time: str(r.logout_time),
    total_visits: Number(r.total_visits),
    total_travel_km: Number(r.total_travel_km),
    status: r.status === "CLOSED" ? "CLOSED" : "OPEN",
    start_client_id: str(r.start_client_id),
    end_client_id: str(r.end_client_id),
  };
}

export async function loadSessionById(db: Db, id: number): Promise<SessionJson | null> {
  const [row] = await queryRows<Raw>(db, sql`SELECT ${columns} FROM daily_sessions s WHERE s.id = ${id}`);
  return row ? toSession(row) : null;
}

export async function loadSessionByDate(db: Db, personnelId: number, date: string): Promise<SessionJson | null> {
  const [row] = await queryRows<Raw>(db, sql`SELECT ${columns} FROM daily_sessions s WHERE s.personnel_id = ${personnelId} AND s.session_date = ${date}::date`);
  return row ? toSession(row) : null;
}

/** The person's most recent open day (a forgotten day may still be open after midnight). */
export async function findOpenSessionForUpdate(db: Db, personnelId: number): Promise<{ id: number; session_date: string } | null> {
  const [row] = await queryRows<{ id: number; session_date: string }>(
    db,
    sql`SELECT id, session_date::text AS session_date FROM daily_sessions
        WHERE personnel_id = ${personnelId} AND status = 'OPEN' ORDER BY session_date DESC LIMIT 1 FOR UPDATE`,
  );
  return row ? { id: Number(row.id), session_date: String(row.session_date) } : null;
}

/** The person's open visit (checked in, not out) with its place, or null. */
export async function loadOpenVisit(db: Db, personnelId: number): Promise<OpenVisitJson | null> {
  const [r] = await queryRows<Raw>(
    db,
    sql`SELECT v.id, v.client_id::text AS client_id, ${isoSql(sql`v.check_in_time`)} AS check_in_time, l.id AS location_id, l.name, l.address,
               ST_Y(l.coordinates::geometry) AS lat, ST_X(l.coordinates::geometry) AS lon, l.geofence_radius
        FROM visits v JOIN locations l ON l.id = v.location_id
        WHERE v.personnel_id = ${personnelId} AND v.check_in_time IS NOT NULL AND v.check_out_time IS NULL ORDER BY v.check_in_time DESC LIMIT 1`,
  );
  if (!r) return null;
  return {
    id: Number(r.id),
    client_id: str(r.client_id),
    check_in_time: String(r.check_in_time),
    location: { id: Number(r.location_id), name: String(r.name), address: str(r.address), lat: Number(r.lat), lon: Number(r.lon), geofence_radius: Number(r.geofence_radius) },
  };
}
