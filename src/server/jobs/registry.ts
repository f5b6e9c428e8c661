import "server-only";
import type { Db } from "../db/client";
import { checkAlerts } from "../alerts/check-alerts";
import { pruneEvents } from "../realtime/prune-events";

/**
 * Every scheduled job of the app, in one list. Each runs an ordinary, idempotent use-case with the database and
 * the time it was due, so a retried or overlapping run changes nothing twice. Cron expressions are in UTC.
 * To add a job: append an entry (name = queue name, stable).
 */
export type JobDef = { name: string; cron: string; run: (db: Db, now: Date) => Promise<unknown> };

export const JOBS: JobDef[] = [
  { name: "alerts-check", cron: "* * * * *", run: checkAlerts },
  { name: "events-prune", cron: "17 21 * * *", run: pruneEvents },
];
