import "server-only";
import { sql } from "drizzle-orm";
import { createReportScheduleInput, type CreateReportScheduleInput, type ReportSchedule } from "@/contracts/reports";
import { env } from "@/env";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { visiblePersonnelIds } from "../auth/scope";
import { queryRows, type Db } from "../db/client";
import { notFound } from "../errors";
import { idempotent } from "../idempotency";

export const emailConfigured = (): boolean => Boolean(env.SMTP_URL);

const HISTORY = 10;

/** Schedules whose owner is in the caller's scope (a manager: their subtree; an admin: all), newest first, with recent deliveries. */
async function listWhere(db: Db, where: ReturnType<typeof sql>): Promise<ReportSchedule[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT s.id, s.report, s.cadence, s.weekday, s.send_time, s.format, s.recipients, s.owner_id, p.name AS owner_name,
          to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
          coalesce((SELECT json_agg(d ORDER BY d.period DESC) FROM (
            SELECT period, status, attempts, error, to_char(sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS sent_at
            FROM report_deliveries WHERE schedule_id = s.id ORDER BY period DESC LIMIT ${HISTORY}) d), '[]'::json) AS deliveries
        FROM report_schedules s JOIN personnel p ON p.id = s.owner_id
        WHERE s.deleted_at IS NULL AND ${where}
        ORDER BY s.created_at DESC, s.id DESC`,
  );
  return rows.map((x) => ({
    id: Number(x.id),
    report: x.report as ReportSchedule["report"],
    cadence: x.cadence as ReportSchedule["cadence"],
    weekday: x.weekday == null ? null : Number(x.weekday),
    time: String(x.send_time),
    format: x.format as ReportSchedule["format"],
    recipients: Array.isArray(x.recipients) ? x.recipients.map(String) : String(x.recipients).slice(1, -1).split(",").filter(Boolean),
    owner: { id: Number(x.owner_id), name: String(x.owner_name) },
    created_at: String(x.created_at),
    deliveries: (typeof x.deliveries === "string" ? JSON.parse(x.deliveries) : x.deliveries) as ReportSchedule["deliveries"],
  }));
}

export async function listReportSchedules(ctx: Ctx): Promise<{ schedules: ReportSchedule[]; email_configured: boolean }> {
  requirePermission(ctx.actor, "team.read");
  return { schedules: await listWhere(ctx.db, sql`s.owner_id IN (${visiblePersonnelIds(ctx.actor)})`), email_configured: emailConfigured() };
}

/**
 * POST /api/v1/report-schedules: a manager's or admin's schedule, reporting on their own scope. Idempotent on
 * client_id (a replay answers the first schedule; the same id with another body is 409 CLIENT_ID_REUSED).
 */
export async function createReportSchedule(ctx: Ctx, raw: CreateReportScheduleInput): Promise<{ schedule: ReportSchedule; replayed: boolean }> {
  requirePermission(ctx.actor, "reports.schedule");
  const input = createReportScheduleInput.parse(raw);
  const weekday = input.cadence === "weekly" ? (input.weekday ?? 1) : null;
  const { result, replayed } = await idempotent(
    ctx,
    { scope: "report-schedules.create", clientId: input.client_id, request: input },
    async (tx) => {
      const [row] = await queryRows<{ id: number }>(
        tx,
        sql`INSERT INTO report_schedules (client_id, owner_id, report, cadence, weekday, send_time, format, recipients, created_at)
            VALUES (${input.client_id}, ${ctx.actor.id}, ${input.report}, ${input.cadence}, ${weekday}, ${input.time}, ${input.format},
                    ARRAY[${sql.join(input.recipients.map((r) => sql`${r.toLowerCase()}`), sql`, `)}]::text[], ${ctx.now.toISOString()}::timestamptz)
            RETURNING id`,
      );
      return { id: Number(row!.id) };
    },
  );
  const [schedule] = await listWhere(ctx.db, sql`s.id = ${result.id}`);
  if (!schedule) throw notFound("Schedule not found."); // deleted since the first request
  return { schedule, replayed };
}

/** DELETE /api/v1/report-schedules/{id}: the schedule stops; its delivery history stays. Out of scope = 404. Repeating it is harmless. */
export async function deleteReportSchedule(ctx: Ctx, id: number): Promise<{ id: number; deleted: true }> {
  requirePermission(ctx.actor, "reports.schedule");
  const rows = await queryRows<{ id: number }>(
    ctx.db,
    sql`UPDATE report_schedules SET deleted_at = coalesce(deleted_at, ${ctx.now.toISOString()}::timestamptz)
        WHERE id = ${id} AND owner_id IN (${visiblePersonnelIds(ctx.actor)}) RETURNING id`,
  );
  if (rows.length === 0) throw notFound("Schedule not found.");
  return { id, deleted: true };
}
