import "server-only";
import { Readable, Transform } from "node:stream";
import { sql } from "drizzle-orm";
import type { Transporter } from "nodemailer";
import { addDays, isoWeekday, localDate, zonedInstant } from "@/lib/time";
import { env } from "@/env";
import type { Actor } from "../auth/actor";
import { queryRows, type Db } from "../db/client";
import { log } from "../log";
import type { ReportFile } from "./get-report";
import { readReportSettings } from "./report-range";

/** Attempts per period before it stays failed; a failed attempt is retried after RETRY_AFTER_MIN minutes. */
export const MAX_ATTEMPTS = 3;
const RETRY_AFTER_MIN = 5;
/** An attempt claimed longer ago than this without an outcome (the instance died) may be taken over. */
const LEASE_MIN = 10;

export type Mailer = Pick<Transporter, "sendMail">;

/**
 * The largest attachment a scheduled mail carries (most mail servers refuse messages over 25 MB). The file is never
 * held whole: it streams from the report query through nodemailer to the SMTP server, and a report that grows past
 * this fails the delivery with that reason (narrow the schedule: a daily cadence, the summary report, CSV).
 */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

/** The file's bytes as a Node stream for nodemailer, failing once more than `max` bytes have passed. */
export function boundedAttachment(web: ReadableStream<Uint8Array>, max: number, what: string): Readable {
  let seen = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      const size = max >= 1024 * 1024 ? `${Math.floor(max / 1024 / 1024)} MB` : `${max} bytes`;
      if (seen > max) done(new Error(`The ${what} attachment is larger than ${size}: narrow the schedule (daily, the summary report, or CSV).`));
      else done(null, chunk);
    },
  });
  const source = Readable.fromWeb(web as import("node:stream/web").ReadableStream<Uint8Array>);
  source.on("error", (err) => limit.destroy(err));
  limit.on("error", () => source.destroy());
  return source.pipe(limit);
}

let defaultMailer: { url: string; mailer: Mailer } | undefined;
async function mailerFromEnv(): Promise<Mailer | null> {
  if (!env.SMTP_URL) return null;
  if (defaultMailer?.url !== env.SMTP_URL) {
    const { createTransport } = await import("nodemailer");
    defaultMailer = { url: env.SMTP_URL, mailer: createTransport(env.SMTP_URL) };
  }
  return defaultMailer.mailer;
}

type Schedule = { id: number; owner_id: number; report: "visits" | "summary"; cadence: "daily" | "weekly"; weekday: number | null; send_time: string; format: "csv" | "xlsx" | "pdf"; recipients: string[]; created_at: string };

/** The org-local date of the schedule's latest send time at or before `now` (null: none in the last week). */
export function latestOccurrence(s: Pick<Schedule, "cadence" | "weekday" | "send_time">, now: Date, tz: string): string | null {
  const [h, m] = s.send_time.split(":").map(Number) as [number, number];
  const today = localDate(now, tz);
  for (let back = 0; back <= 7; back++) {
    const d = addDays(today, -back);
    if (s.cadence === "weekly" && isoWeekday(d) !== s.weekday) continue;
    if (zonedInstant(d, h * 60 + m, tz).getTime() <= now.getTime()) return d;
  }
  return null;
}

/** The days a delivery covers: a daily report its own day, a weekly one the seven days ending on it. */
export const periodRange = (cadence: Schedule["cadence"], period: string) => ({ from: cadence === "weekly" ? addDays(period, -6) : period, to: period });

/**
 * The job `reports-send`: every schedule whose latest send time has passed (and was not before the day it was
 * made — so a schedule made after today's time is due at once for today) gets one delivery row for that period;
 * whoever inserts or claims the row sends, so two runners and any number of reruns send each period once.
 * Failures are kept with their reason and retried up to MAX_ATTEMPTS times.
 */
export async function sendDueReports(
  db: Db,
  now: Date,
  mailer?: Mailer | null,
  opts: { maxAttachmentBytes?: number } = {},
): Promise<{ sent: number; failed: number; skipped?: string }> {
  const transport = mailer === undefined ? await mailerFromEnv() : mailer;
  if (!transport) return { sent: 0, failed: 0, skipped: "SMTP_URL is not set" };
  const { timeZone: tz } = await readReportSettings({ db });
  const schedules = await queryRows<Schedule>(
    db,
    sql`SELECT id, owner_id, report, cadence, weekday, send_time, format, recipients, created_at FROM report_schedules WHERE deleted_at IS NULL ORDER BY id`,
  );
  let sent = 0, failed = 0;
  for (const s of schedules) {
    const period = latestOccurrence(s, now, tz);
    if (!period || period < localDate(new Date(s.created_at), tz)) continue;
    await db.execute(sql`INSERT INTO report_deliveries (schedule_id, period, created_at) VALUES (${s.id}, ${period}, ${now.toISOString()}::timestamptz) ON CONFLICT DO NOTHING`);
    const [claim] = await queryRows<{ id: number }>(
      db,
      sql`UPDATE report_deliveries SET attempts = attempts + 1, claimed_at = ${now.toISOString()}::timestamptz, status = 'pending'
          WHERE schedule_id = ${s.id} AND period = ${period} AND status <> 'sent' AND attempts < ${MAX_ATTEMPTS}
            AND (claimed_at IS NULL
              OR (status = 'failed' AND claimed_at <= ${now.toISOString()}::timestamptz - make_interval(mins => ${RETRY_AFTER_MIN}))
              OR (status = 'pending' AND claimed_at <= ${now.toISOString()}::timestamptz - make_interval(mins => ${LEASE_MIN})))
          RETURNING id`,
    );
    if (!claim) continue;
    try {
      await deliver(db, transport, s, period, now, opts.maxAttachmentBytes ?? MAX_ATTACHMENT_BYTES);
      await db.execute(sql`UPDATE report_deliveries SET status = 'sent', sent_at = ${now.toISOString()}::timestamptz, error = NULL WHERE id = ${claim.id}`);
      sent++;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      log.warn("scheduled report not sent", { schedule: s.id, period, reason });
      await db.execute(sql`UPDATE report_deliveries SET status = 'failed', error = ${reason.slice(0, 1000)} WHERE id = ${claim.id}`);
      failed++;
    }
  }
  return { sent, failed };
}

async function deliver(db: Db, mailer: Mailer, s: Schedule, period: string, now: Date, maxBytes: number): Promise<void> {
  const [owner] = await queryRows<{ id: number; name: string; email: string; role: Actor["role"]; active: boolean }>(
    db,
    sql`SELECT id, name, email, role, active FROM personnel WHERE id = ${s.owner_id}`,
  );
  if (!owner?.active) throw new Error("The schedule's owner is no longer active.");
  const actor: Actor = { id: owner.id, name: owner.name, email: owner.email, role: owner.role, via: "session", readOnly: false };
  const ctx = { db, actor, now };
  const range = periodRange(s.cadence, period);
  // The renderers (exceljs, pdfkit) load with the first report due, not with the job that runs every minute.
  const { getSummaryReport, getVisitsReport } = await import("./get-report");
  const file = (s.report === "visits"
    ? await getVisitsReport(ctx, { ...range, format: s.format })
    : await getSummaryReport(ctx, { ...range, format: s.format, group_by: s.cadence === "weekly" ? "day" : "rep" })) as ReportFile;
  const content = boundedAttachment(file.stream, maxBytes, s.format.toUpperCase());
  const title = s.report === "visits" ? "Visits report" : "Summary report";
  const span = range.from === range.to ? range.from : `${range.from} to ${range.to}`;
  try {
    await mailer.sendMail({
      from: env.MAIL_FROM,
      to: s.recipients,
      subject: `Fieldbeat ${title}: ${span}`,
      text: `${title} for ${span}, attached as ${s.format.toUpperCase()}.\nScheduled by ${owner.name}.`,
      attachments: [{ filename: file.filename, content, contentType: file.contentType }],
    });
  } finally {
    content.destroy(); // a refused mail leaves the report query unread: release it
  }
}
