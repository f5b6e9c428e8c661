import "server-only";
import type { Db } from "../db/client";
import { checkAlerts } from "../alerts/check-alerts";
import { purgeExpiredPhotos } from "../photos/purge-old-photos";
import { materializeBeats } from "../plans/materialize-beats";
import { maintainPingPartitions } from "../tracking/ping-partitions";
import { pruneEvents } from "../realtime/prune-events";
import { purgeExpiredRefreshTokens, purgeIdempotencyKeys, purgePushDeliveries, purgeSignInAttempts } from "./purge-growing";
import { sendFirstVisitReminders, sendOpenVisitReminders } from "../push/reminders";
import { closeOverdueVisits } from "../visits/close-overdue-visits";
import { sendDueReports } from "../reports/send-due-reports";

/**
 * Every scheduled job of the app, in one list. Each runs an ordinary, idempotent use-case with the database and
 * the time it was due, so a retried or overlapping run changes nothing twice. Cron expressions are in UTC.
 * To add a job: append an entry (name = queue name, stable).
 */
export type JobDef = { name: string; cron: string; run: (db: Db, now: Date) => Promise<unknown> };

export const JOBS: JobDef[] = [
  { name: "alerts-check", cron: "* * * * *", run: checkAlerts },
  { name: "events-prune", cron: "17 21 * * *", run: pruneEvents },
  // Retention of the other growing tables (docs/decisions/0017): batched deletes, safe to repeat.
  { name: "idempotency-keys-purge", cron: "23 21 * * *", run: purgeIdempotencyKeys },
  { name: "push-deliveries-purge", cron: "27 21 * * *", run: purgePushDeliveries },
  { name: "refresh-tokens-purge", cron: "31 21 * * *", run: purgeExpiredRefreshTokens },
  { name: "sign-in-attempts-purge", cron: "37 * * * *", run: purgeSignInAttempts },
  // Selfies older than the admin's retention setting (files first, then the visit's URL and keys; safe to repeat).
  { name: "photos-purge", cron: "43 21 * * *", run: (db, now) => purgeExpiredPhotos(db, now, null) },
  // Push reminders: each is sent once per rep, day and kind (push_deliveries is unique on them), so a rerun sends nothing twice.
  { name: "push-first-visit-reminders", cron: "*/5 * * * *", run: (db, now) => sendFirstVisitReminders({ db, now }) },
  { name: "push-open-visit-reminders", cron: "*/5 * * * *", run: (db, now) => sendOpenVisitReminders({ db, now }) },
  // Visits still open after work hours: checked out (AUTO_CLOSED) and their managers alerted, so nobody starts tomorrow stuck.
  { name: "visits-close-overdue", cron: "*/15 * * * *", run: closeOverdueVisits },
  // Scheduled report e-mails: one delivery row per schedule and period (unique), so each period is sent once.
  { name: "reports-send", cron: "* * * * *", run: (db, now) => sendDueReports(db, now) },
  // Day plans of the next 14 days from the beats (issue #19); hourly, so a new local day is written within the hour in any time zone. Never rewrites a planned day.
  { name: "beats-materialize", cron: "7 * * * *", run: (db, now) => materializeBeats(db, now) },
  // Pings are partitioned by day (issue #22): hourly, the next 7 days' partitions exist and days past ping_retention_days are dropped, one statement each.
  { name: "pings-partitions", cron: "23 * * * *", run: maintainPingPartitions },
];
