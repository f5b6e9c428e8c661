import "server-only";
import { PgBoss, fromPglite } from "pg-boss";
import type { DbHandle } from "../db/client";
import { log } from "../log";
import { mayRaiseVisitAlert } from "../alerts/alert-rules";
import { checkVisitAlerts } from "../alerts/check-alerts";
import { hubFor } from "../realtime/hub";
import { JOBS } from "./registry";
import { onShutdownStop } from "../lifecycle/shutdown";
import { runJobTraced } from "../telemetry/telemetry";

/** On shutdown a job already running may finish within this; pg-boss then releases it for another instance. */
const STOP_GRACE_MS = 15_000;

/** pg-boss's own tables live in their own schema, beside (never inside) the app's. */
const BOSS_SCHEMA = "pgboss";
const VISIT_EVENTS = new Set(["visit.checked_in", "visit.checked_out", "visit.validated", "visit.photo_added"]);

/**
 * The one job runner: pg-boss on the app's database (PGlite through pg-boss's PGlite adapter, one process;
 * a PostgreSQL server through pg-boss's own small pool, shared by every instance — a cron job then runs once
 * per period across them). Each job of the registry is scheduled and worked here. Also raises visit alerts as
 * their events arrive, so a risky check-in is flagged at once rather than at the next minute.
 */
export async function startJobs(handle: DbHandle): Promise<{ stop(): Promise<void> }> {
  const c = handle.client;
  const boss =
    c.kind === "pglite"
      ? new PgBoss({ db: fromPglite(c.pg), backend: "pglite", schema: BOSS_SCHEMA })
      : new PgBoss({ connectionString: c.url, schema: BOSS_SCHEMA, max: 2, application_name: "fieldbeat-jobs" });
  boss.on("error", (err) => log.error("jobs: pg-boss error", { error: String(err) }));
  await boss.start();
  for (const job of JOBS) {
    await boss.createQueue(job.name, { policy: "singleton" }).catch(() => undefined);
    await boss.schedule(job.name, job.cron);
    await boss.work(job.name, async ([j]) => {
      const due = new Date();
      const result = await runJobTraced(job.name, () => job.run(handle.db, due));
      log.debug("jobs: done", { job: job.name, id: j?.id, result });
    });
  }
  const unsubscribe = await hubFor(handle).subscribe((e) => {
    if (!VISIT_EVENTS.has(e.type) || e.visit_id === null || !mayRaiseVisitAlert(e.type, e.payload)) return;
    checkVisitAlerts(handle.db, e.visit_id, new Date()).catch((err: unknown) => log.error("alerts: visit check failed", { visit_id: e.visit_id, error: String(err) }));
  });
  log.info("jobs: runner started", { jobs: JOBS.map((j) => `${j.name} (${j.cron})`).join(", ") });
  return {
    async stop() {
      unsubscribe();
      // Stops fetching, waits for the job in progress (up to STOP_GRACE_MS), then closes pg-boss's own pool; the
      // embedded database is the app's, closed by the server after the requests in flight (close: false).
      await boss.stop({ graceful: true, timeout: STOP_GRACE_MS, close: c.kind !== "pglite" });
      log.info("jobs: runner stopped");
    },
  };
}

// One runner per process (next dev re-evaluates modules).
const g = globalThis as typeof globalThis & { __fieldbeatJobs?: Promise<unknown> };

export function ensureJobsStarted(handle: DbHandle): void {
  if (g.__fieldbeatJobs) return;
  const started = startJobs(handle).catch((err: unknown) => {
    g.__fieldbeatJobs = undefined;
    log.error("jobs: runner failed to start", { error: err instanceof Error ? err.message : String(err) });
    return undefined;
  });
  g.__fieldbeatJobs = started;
  // SIGTERM (scripts/server.mjs): the runner stops after its current job, before the database closes.
  onShutdownStop(async () => {
    await (await started)?.stop();
  });
}
