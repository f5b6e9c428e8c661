/**
 * Scheduled report e-mail (issue #20) against a real SMTP server in this process (smtp-server), the mail parsed
 * with mailparser: subject and attachment checked, each period sent once across two runners and reruns, failures
 * kept with their reason and retried. Both drivers; the clock is injected.
 */
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { simpleParser, type ParsedMail } from "mailparser";
import { createTransport } from "nodemailer";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Actor } from "../../src/server/auth/actor";
import { useDbHandle } from "../../src/server/db";
import { queryRows } from "../../src/server/db/client";
import { createReportSchedule, deleteReportSchedule, listReportSchedules } from "../../src/server/reports/report-schedules";
import { sendDueReports } from "../../src/server/reports/send-due-reports";
import { describeEachDriver } from "../support/db";
import { parseCsv, readXlsx } from "../support/report-files";
import { makeLocation, makePerson } from "../support/visits-world";

const DAY = "2026-03-10"; // a Tuesday
const at = (hhmm: string, day = DAY) => new Date(`${day}T${hhmm}:00+05:30`);

const inbox: ParsedMail[] = [];
let server: SMTPServer;
let port = 0;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => (inbox.push(mail), callback()), callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const mailer = () => createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true });
const schedule = (over: Record<string, unknown> = {}) => ({ client_id: randomUUID(), report: "visits", cadence: "daily", time: "09:00", format: "csv", recipients: ["Boss@Example.com"], ...over }) as never;

describeEachDriver("report schedules", (ctx) => {
  let mgr: Actor, otherMgr: Actor, rep: Actor;

  beforeAll(async () => {
    const db = ctx.handle.db;
    useDbHandle(ctx.handle);
    mgr = await makePerson(db, "manager");
    otherMgr = await makePerson(db, "manager");
    rep = await makePerson(db, "rep", mgr.id);
    const loc = await makeLocation(db, 12.97, 77.59);
    await db.execute(sql`INSERT INTO visits (personnel_id, location_id, check_in_time, check_out_time, duration_minutes, validation_status, client_id)
      VALUES (${rep.id}, ${loc}, ${at("08:30").toISOString()}::timestamptz, ${at("08:50").toISOString()}::timestamptz, 20, 'VALID', ${randomUUID()}),
             (${rep.id}, ${loc}, ${at("10:30", "2026-03-09").toISOString()}::timestamptz, ${at("10:40", "2026-03-09").toISOString()}::timestamptz, 10, 'WARNING', ${randomUUID()})`);
  }, 120_000);

  it("sends a schedule made after today's time at once, exactly once across two runners and two reruns", async () => {
    const db = ctx.handle.db;
    inbox.length = 0;
    const made = await createReportSchedule({ db, actor: mgr, now: at("12:00") }, schedule());
    expect(made.replayed).toBe(false);
    const runs = await Promise.all([sendDueReports(db, at("12:01"), mailer()), sendDueReports(db, at("12:01"), mailer())]);
    await sendDueReports(db, at("12:02"), mailer());
    await sendDueReports(db, at("12:30"), mailer());
    expect(runs.reduce((a, r) => a + r.sent, 0)).toBe(1);
    expect(inbox).toHaveLength(1);
    const mail = inbox[0]!;
    expect(mail.subject).toBe(`Fieldbeat Visits report: ${DAY}`);
    expect((mail.to as { text: string }).text).toContain("boss@example.com");
    const [att] = mail.attachments;
    expect(att?.filename).toBe(`visits-${DAY}-${DAY}.csv`);
    const csv = parseCsv(att!.content);
    expect(csv.rows).toHaveLength(1); // today's visit only, the manager's scope
    expect(csv.rows[0]![1]).toBe(rep.name);
    const list = await listReportSchedules({ db, actor: mgr, now: at("12:30") });
    expect(list.schedules.find((s) => s.id === made.schedule.id)!.deliveries).toEqual([{ period: DAY, status: "sent", attempts: 1, error: null, sent_at: at("12:01").toISOString() }]);
    // The next day's period is another delivery.
    await sendDueReports(db, at("09:00", "2026-03-11"), mailer());
    expect(inbox).toHaveLength(2);
    await deleteReportSchedule({ db, actor: mgr, now: at("10:00", "2026-03-11") }, made.schedule.id);
  });

  it("waits for a later time; weekly reports cover the seven days ending on their weekday, as XLSX", async () => {
    const db = ctx.handle.db;
    inbox.length = 0;
    const made = await createReportSchedule({ db, actor: mgr, now: at("12:00") }, schedule({ cadence: "weekly", weekday: 2, time: "18:00", format: "xlsx", report: "summary" }));
    expect((await sendDueReports(db, at("17:59"), mailer())).sent).toBe(0);
    expect((await sendDueReports(db, at("18:00"), mailer())).sent).toBe(1);
    expect(inbox[0]!.subject).toBe("Fieldbeat Summary report: 2026-03-04 to 2026-03-10");
    const book = await readXlsx(inbox[0]!.attachments[0]!.content);
    expect(book.rows.at(-1)?.slice(0, 1)).toEqual(["Total"]);
    expect(book.rows.at(-1)?.[6]).toBe(2); // both visits of the week
    await deleteReportSchedule({ db, actor: mgr, now: at("19:00") }, made.schedule.id);
  });

  it("keeps a failure with its reason and retries it later, up to the limit", async () => {
    const db = ctx.handle.db;
    inbox.length = 0;
    const made = await createReportSchedule({ db, actor: mgr, now: at("12:00") }, schedule({ format: "pdf" }));
    const broken = createTransport({ host: "127.0.0.1", port: 1, secure: false, connectionTimeout: 2_000 });
    expect(await sendDueReports(db, at("12:01"), broken)).toMatchObject({ sent: 0, failed: 1 });
    expect((await sendDueReports(db, at("12:02"), mailer())).sent).toBe(0); // too soon to retry
    const [row] = await queryRows<{ status: string; error: string; attempts: number }>(db, sql`SELECT status, error, attempts FROM report_deliveries WHERE schedule_id = ${made.schedule.id}`);
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row!.error).toMatch(/ECONNREFUSED|connect/i);
    expect((await sendDueReports(db, at("12:07"), mailer())).sent).toBe(1);
    expect(inbox).toHaveLength(1);
    expect(inbox[0]!.attachments[0]!.content.subarray(0, 5).toString()).toBe("%PDF-");
    await deleteReportSchedule({ db, actor: mgr, now: at("13:00") }, made.schedule.id);
  });

  it("streams the attachment and fails a delivery whose file grows past the bound, with the reason, sending nothing", async () => {
    const db = ctx.handle.db;
    inbox.length = 0;
    const made = await createReportSchedule({ db, actor: mgr, now: at("12:00") }, schedule({ format: "pdf", time: "11:00" }));
    expect(await sendDueReports(db, at("12:01"), mailer(), { maxAttachmentBytes: 200 })).toMatchObject({ sent: 0, failed: 1 });
    const [row] = await queryRows<{ status: string; error: string }>(db, sql`SELECT status, error FROM report_deliveries WHERE schedule_id = ${made.schedule.id}`);
    expect(row).toMatchObject({ status: "failed", error: "The PDF attachment is larger than 200 bytes: narrow the schedule (daily, the summary report, or CSV)." });
    expect(inbox).toHaveLength(0);
    // Within the bound the same file goes out whole (the retry, 5 minutes later).
    expect((await sendDueReports(db, at("12:07"), mailer(), { maxAttachmentBytes: 1024 * 1024 })).sent).toBe(1);
    expect(inbox).toHaveLength(1);
    const pdf = inbox[0]!.attachments[0]!.content;
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.subarray(-6).toString()).toMatch(/%%EOF/);
    await deleteReportSchedule({ db, actor: mgr, now: at("13:00") }, made.schedule.id);
  });

  it("is idempotent on client_id, scoped to the team, and sends nothing without SMTP", async () => {
    const db = ctx.handle.db;
    const body = schedule();
    const first = await createReportSchedule({ db, actor: mgr, now: at("12:00") }, body);
    const again = await createReportSchedule({ db, actor: mgr, now: at("12:05") }, body);
    expect(again).toEqual({ schedule: first.schedule, replayed: true });
    await expect(createReportSchedule({ db, actor: mgr, now: at("12:05") }, { ...(body as object), time: "10:00" } as never)).rejects.toMatchObject({ code: "CLIENT_ID_REUSED" });
    await expect(createReportSchedule({ db, actor: rep, now: at("12:05") }, schedule())).rejects.toMatchObject({ status: 403 });
    expect((await listReportSchedules({ db, actor: otherMgr, now: at("12:05") })).schedules.map((s) => s.id)).not.toContain(first.schedule.id);
    await expect(deleteReportSchedule({ db, actor: otherMgr, now: at("12:05") }, first.schedule.id)).rejects.toMatchObject({ status: 404 });
    expect(await sendDueReports(db, at("12:06"), null)).toEqual({ sent: 0, failed: 0, skipped: "SMTP_URL is not set" });
    await expect(createReportSchedule({ db, actor: mgr, now: at("12:05") }, schedule({ cadence: "daily", weekday: 3 }))).rejects.toThrow(/weekday is for weekly schedules/);
  });
});
