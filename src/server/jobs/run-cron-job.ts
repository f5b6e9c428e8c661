import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { JOBS } from "./registry";
import { runJobTraced } from "../telemetry/telemetry";

export type CronRun = { job: string; ran_at: string; result: unknown };

const digest = (s: string) => createHash("sha256").update(s).digest();

/**
 * The scheduled-job door for serverless hosts (Vercel cron, or any scheduler that can send a GET): runs one job
 * of the registry — the same idempotent use-case the pg-boss runner works — at `now`, in this request.
 * The caller proves itself with `Authorization: Bearer <CRON_SECRET>`; without a configured secret nobody can.
 * The secret is checked before the job name (the door does not tell strangers which jobs exist) and before the
 * database is opened.
 */
export async function runCronJob(openDb: () => Promise<Db>, input: { job: string; authorization: string | null; secret: string | undefined; now: Date }): Promise<CronRun> {
  const given = input.authorization?.match(/^Bearer (.+)$/)?.[1];
  // Compared as digests: equal length for timingSafeEqual, and no early exit on the first differing byte.
  if (!input.secret || !given || !timingSafeEqual(digest(given), digest(input.secret))) {
    throw new AppError("UNAUTHENTICATED", "A valid cron secret is required.");
  }
  const job = JOBS.find((j) => j.name === input.job);
  if (!job) throw new AppError("NOT_FOUND", "Job not found.");
  const db = await openDb();
  return { job: job.name, ran_at: input.now.toISOString(), result: await runJobTraced(job.name, () => job.run(db, input.now)) };
}
