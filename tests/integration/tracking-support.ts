/** Shared set-up for the tracking tests: a small org chart, org hours, open days and ping builders. */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Actor } from "../../src/server/auth/actor";
import { queryRows, type Db } from "../../src/server/db/client";
import type { PingInput } from "../../src/contracts/tracking";

export type People = { admin: Actor; manager: Actor; otherManager: Actor; rep: Actor; otherRep: Actor };

let counter = 0;

async function person(db: Db, role: Actor["role"], name: string, managerId: number | null): Promise<Actor> {
  const email = `${name}-${process.pid}-${++counter}@tracking.test`;
  const [row] = await queryRows<{ id: number }>(
    db,
    sql`INSERT INTO personnel (name, email, role, manager_id) VALUES (${name}, ${email}, ${role}, ${managerId}) RETURNING id`,
  );
  return { id: row!.id, role, name, email, via: "access_token", readOnly: false };
}

/** admin; manager → rep; otherManager → otherRep (another team). */
export async function makePeople(db: Db): Promise<People> {
  const admin = await person(db, "admin", "admin", null);
  const manager = await person(db, "manager", "manager", null);
  const otherManager = await person(db, "manager", "other-manager", null);
  const rep = await person(db, "rep", "rep", manager.id);
  const otherRep = await person(db, "rep", "other-rep", otherManager.id);
  return { admin, manager, otherManager, rep, otherRep };
}

export async function setOrgHours(db: Db, h: { timeZone: string; start: string; end: string; days: number[] }) {
  await db.execute(sql`INSERT INTO org_settings (id, time_zone, work_day_start, work_day_end, work_days)
    VALUES (1, ${h.timeZone}, ${h.start}::time, ${h.end}::time, ${`{${h.days.join(",")}}`}::int[])
    ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone, work_day_start = excluded.work_day_start,
      work_day_end = excluded.work_day_end, work_days = excluded.work_days`);
}

export async function openDay(db: Db, personnelId: number, date: string, loginTime: Date, status = "OPEN"): Promise<number> {
  const [row] = await queryRows<{ id: number }>(
    db,
    sql`INSERT INTO daily_sessions (personnel_id, session_date, login_time, status) VALUES (${personnelId}, ${date}::date, ${loginTime.toISOString()}, ${status}) RETURNING id`,
  );
  return row!.id;
}

export const ping = (at: Date, lat = 12.9716, lon = 77.5946, extra: Partial<PingInput> = {}): PingInput => ({
  client_id: randomUUID(),
  lat,
  lon,
  accuracy_m: 5,
  captured_at: at.toISOString(),
  ...extra,
});

export const count = async (db: Db, table: "location_pings" | "tracking_gaps" | "events" | "audit_log", where = sql`TRUE`) =>
  Number((await queryRows<{ n: number | string }>(db, sql`SELECT count(*) AS n FROM ${sql.raw(table)} WHERE ${where}`))[0]!.n);
