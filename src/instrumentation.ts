/**
 * Runs once when the server starts: opens the database so the embedded one is created,
 * migrated and seeded (with progress printed) before the first request, not during it, then starts the job runner.
 * NEXT_RUNTIME / NEXT_PHASE are Next.js's own markers, not configuration.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  // A production server without its signing secret stops here with the reason, not with a 500 at the first sign-in.
  const { requireAuthSecret } = await import("./env");
  try {
    requireAuthSecret();
  } catch {
    console.error("[fieldbeat] AUTH_SECRET is not set: a production server needs it (≥ 32 characters; `openssl rand -base64 32`). Put it in the environment or .env.local, or run `npm run demo`, which writes one.");
    process.exit(1);
  }
  // OpenTelemetry, only when OTEL_EXPORTER_OTLP_ENDPOINT is set (before the database opens: its client is traced then).
  try {
    if (await (await import("./server/telemetry/start")).startTelemetry()) console.log("[fieldbeat] OpenTelemetry on (OTLP export)");
  } catch (err) {
    console.error("[fieldbeat] OpenTelemetry did not start:", err instanceof Error ? err.message : err);
  }
  // Publishes the app's shutdown for scripts/server.mjs (SIGTERM: SSE streams sent elsewhere, jobs stopped).
  await import("./server/lifecycle/shutdown");
  const { getDbHandle } = await import("./server/db");
  try {
    const handle = await getDbHandle();
    // Scheduled jobs (alerts, pruning): one pg-boss runner per process, sharing the app's database.
    const { env } = await import("./env");
    if (env.JOBS_ENABLED) (await import("./server/jobs/runner")).ensureJobsStarted(handle);
  } catch (err) {
    // The server still starts; /api/health answers 503 and requests retry the connection.
    console.error("[fieldbeat] database not available at start:", err instanceof Error ? err.message : err);
  }
}
