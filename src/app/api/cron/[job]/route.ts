import { NextResponse } from "next/server";
import { env } from "@/env";
import { getDb } from "@/server/db";
import { route } from "@/server/http/handler";
import { requestNow } from "@/server/http/request-clock";
import { runCronJob } from "@/server/jobs/run-cron-job";

export const dynamic = "force-dynamic";
// A job reads and writes for a few seconds at most; give a slow cold start room (Vercel function limit).
export const maxDuration = 60;

/** GET /api/cron/{job}: Vercel cron's door to the job registry (vercel.json lists one entry per job). */
export const GET = route<{ job: string }>(async (req, { params }) => {
  const { job } = await params;
  const run = await runCronJob(getDb, { job, authorization: req.headers.get("authorization"), secret: env.CRON_SECRET, now: requestNow(req) });
  return NextResponse.json(run);
});
