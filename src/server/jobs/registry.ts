import "server-only";
import type { Db } from "../db/client";

/**
 * A job's use-case, imported when the job first runs: the registry is loaded with the job runner at every server
 * start, and importing every use-case here loaded their whole graphs with it (the report renderers with exceljs and
 * pdfkit, the photo storage with uploadthing, web push, the route optimiser's map clients): ≈ 80 MB of each server
 * process's resident set, before its first request, for jobs that run hourly, daily or never (docs/decisions/0013,
 * "Memory"). Once loaded, a module stays loaded, as before.
 */
const lazy =
  <M,>(load: () => Promise<M>, run: (m: M, db: Db, now: Date) => Promise<unknown>) =>
  async (db: Db, now: Date) =>
    run(await load(), db, now);

/**
 * Every scheduled job of the app, in one list. Each runs an ordinary, idempotent use-case with the database and
 * the time it was due, so a retried or overlapping run changes nothing twice. Cron expressions are in UTC.
 * To add a job: append an entry (name = queue name, stable).
 */
export type JobDef = { name: string; cron: string; run: (db: Db, now: Date) => Promise<unknown> };

export const JOBS: JobDef[] = [
  { name: "alerts-check", cron: "* * * * *", run: lazy(() => import("../alerts/check-alerts"), (m, db, now) => m.checkAlerts(db, now)) },
  { name: "events-prune", cron: "17 21 * * *", run: lazy(() => import("../realtime/prune-events"), (m, db, now) => m.pruneEvents(db, now)) },
  // Retention of the other growing tables (docs/decisions/0017): batched deletes, safe to repeat.
  { name: "idempotency-keys-purge", cron: "23 21 * * *", run: lazy(() => import("./purge-growing"), (m, db, now) => m.purgeIdempotencyKeys(db, now)) },
  { name: "push-deliveries-purge", cron: "27 21 * * *", run: lazy(() => import("./purge-growing"), (m, db, now) => m.purgePushDeliveries(db, now)) },
  { name: "refresh-tokens-purge", cron: "31 21 * * *", run: lazy(() => import("./purge-growing"), (m, db, now) => m.purgeExpiredRefreshTokens(db, now)) },
  { name: "sign-in-attempts-purge", cron: "37 * * * *", run: lazy(() => import("./purge-growing"), (m, db, now) => m.purgeSignInAttempts(db, now)) },
  // Selfies older than the admin's retention setting (files first, then the visit's URL and keys; safe to repeat).
  { name: "photos-purge", cron: "43 21 * * *", run: lazy(() => import("../photos/purge-old-photos"), (m, db, now) => m.purgeExpiredPhotos(db, now, null)) },
  // Push reminders: each is sent once per rep, day and kind (push_deliveries is unique on them), so a rerun sends nothing twice.
  { name: "push-first-visit-reminders", cron: "*/5 * * * *", run: lazy(() => import("../push/reminders"), (m, db, now) => m.sendFirstVisitReminders({ db, now })) },
  { name: "push-open-visit-reminders", cron: "*/5 * * * *", run: lazy(() => import("../push/reminders"), (m, db, now) => m.sendOpenVisitReminders({ db, now })) },
  // Visits still open after work hours: checked out (AUTO_CLOSED) and their managers alerted, so nobody starts tomorrow stuck.
  { name: "visits-close-overdue", cron: "*/15 * * * *", run: lazy(() => import("../visits/close-overdue-visits"), (m, db, now) => m.closeOverdueVisits(db, now)) },
  // Scheduled report e-mails: one delivery row per schedule and period (unique), so each period is sent once.
  // The summary rollup's marked rep-days recomputed (migration 0025): reports settle before they read, this keeps the backlog to a minute's writes.
  { name: "reports-rollup-settle", cron: "* * * * *", run: lazy(() => import("../reports/report-rollup"), (m, db) => m.settleReportRollup(db)) },
  { name: "reports-send", cron: "* * * * *", run: lazy(() => import("../reports/send-due-reports"), (m, db, now) => m.sendDueReports(db, now)) },
  // Day plans of the next 14 days from the beats (issue #19); hourly, so a new local day is written within the hour in any time zone. Never rewrites a planned day.
  { name: "beats-materialize", cron: "7 * * * *", run: lazy(() => import("../plans/materialize-beats"), (m, db, now) => m.materializeBeats(db, now)) },
  // Pings are partitioned by day (issue #22): hourly, the next 7 days' partitions exist and days past ping_retention_days are dropped, one statement each.
  { name: "pings-partitions", cron: "23 * * * *", run: lazy(() => import("../tracking/ping-partitions"), (m, db, now) => m.maintainPingPartitions(db, now)) },
];
