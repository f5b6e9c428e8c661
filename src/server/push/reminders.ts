import "server-only";
import { getOrgSettings } from "../settings/org-settings";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client";
import { localDate } from "@/lib/time";
import { sendPushToPerson, type PushTransport } from "./send-push";

/** Minutes before the first planned visit's planned_time when the reminder goes out. */
export const FIRST_VISIT_LEAD_MIN = 30;
/** A visit still open this long after check-in gets a reminder. */
export const OPEN_VISIT_AFTER_H = 3;

type Due = { personnel_id: number; subject: string; title: string; body: string; url: string };
export type ReminderRun = { due: number; sent: number; skipped: number };

/**
 * Claims each (person, kind, subject) once in push_deliveries, then sends. The unique key makes a job idempotent:
 * a second run, a retry or a second instance finds the row and sends nothing (at most once per rep, day and kind).
 */
async function claimAndSend(db: Db, kind: string, due: Due[], now: Date, transport: PushTransport): Promise<ReminderRun> {
  const run: ReminderRun = { due: due.length, sent: 0, skipped: 0 };
  for (const d of due) {
    const [claimed] = await queryRows<{ id: number }>(
      db,
      sql`INSERT INTO push_deliveries (personnel_id, kind, subject, sent_at) VALUES (${d.personnel_id}, ${kind}, ${d.subject}, ${now.toISOString()})
          ON CONFLICT ON CONSTRAINT push_deliveries_once DO NOTHING RETURNING id`,
    );
    if (!claimed) {
      run.skipped++;
      continue;
    }
    const r = await sendPushToPerson(db, d.personnel_id, { title: d.title, body: d.body, url: d.url, tag: `${kind}:${d.subject}` }, now, transport);
    await db.execute(sql`UPDATE push_deliveries SET devices = ${r.sent} WHERE id = ${claimed.id}`);
    if (r.sent > 0) run.sent++;
  }
  return run;
}

/**
 * "Your first visit is at 09:30": for every active rep whose first planned stop of the organisation's today is due
 * within FIRST_VISIT_LEAD_MIN minutes (and not yet checked in, day not yet started late). Run it every few minutes.
 */
export async function sendFirstVisitReminders(ctx: { db: Db; now: Date }, transport: PushTransport = {}): Promise<ReminderRun> {
  const zone = (await getOrgSettings(ctx.db)).time_zone;
  const today = localDate(ctx.now, zone);
  const due = await queryRows<Due>(
    ctx.db,
    sql`SELECT pv.personnel_id, ${today} AS subject, 'First visit at ' || to_char(pv.planned_time, 'HH24:MI') AS title,
               l.name AS body, '/rep?screen=today' AS url
        FROM planned_visits pv JOIN locations l ON l.id = pv.location_id JOIN personnel p ON p.id = pv.personnel_id AND p.active
        WHERE pv.planned_date = ${today}::date AND pv.visit_id IS NULL AND pv.planned_time IS NOT NULL
          AND pv.sequence = (SELECT min(sequence) FROM planned_visits x WHERE x.personnel_id = pv.personnel_id AND x.planned_date = pv.planned_date)
          AND (${today}::date + pv.planned_time) AT TIME ZONE ${zone} - make_interval(mins => ${FIRST_VISIT_LEAD_MIN}) <= ${ctx.now.toISOString()}::timestamptz
          AND (${today}::date + pv.planned_time) AT TIME ZONE ${zone} > ${ctx.now.toISOString()}::timestamptz`,
  );
  return claimAndSend(ctx.db, "first_visit", due, ctx.now, transport);
}

/** "Visit still open": every visit checked in more than OPEN_VISIT_AFTER_H hours ago and not checked out, once per visit. */
export async function sendOpenVisitReminders(ctx: { db: Db; now: Date }, transport: PushTransport = {}): Promise<ReminderRun> {
  const due = await queryRows<Due>(
    ctx.db,
    sql`SELECT v.personnel_id, v.id::text AS subject, 'Visit still open' AS title,
               'You checked in at ' || l.name || ' over ' || ${OPEN_VISIT_AFTER_H} || ' hours ago: check out when you leave.' AS body,
               '/rep?screen=visit&location=' || v.location_id AS url
        FROM visits v JOIN locations l ON l.id = v.location_id
        WHERE v.check_in_time IS NOT NULL AND v.check_out_time IS NULL
          AND v.check_in_time <= ${ctx.now.toISOString()}::timestamptz - make_interval(hours => ${OPEN_VISIT_AFTER_H})`,
  );
  return claimAndSend(ctx.db, "visit_open", due, ctx.now, transport);
}
