/**
 * Where the reports' time goes: runs the summary (group_by rep, day, week; admin and a manager) and one batch of the
 * visits stream on the reports bench database (bench/reports.ts generates it) with every raw statement captured,
 * then EXPLAIN (ANALYZE, BUFFERS) of each. One line per statement; EXPLAIN_PLANS=1 prints the full plans.
 *   npx tsx --conditions=react-server bench/reports-explain.ts
 */
import { sql } from "drizzle-orm";
import { capturingDb, explainCases } from "./explain";

const REPS = Number(process.env.BENCH_REPORT_REPS ?? 1000);
const DAYS = Number(process.env.BENCH_REPORT_DAYS ?? 90);
const DB_URL = process.env.BENCH_REPORT_DATABASE_URL ?? `postgres://postgres@127.0.0.1:5432/fieldbeat_bench_reports_${REPS}x${DAYS}`;

async function main() {
  const { openPostgres, queryRows } = await import("../src/server/db/client");
  const { getSummaryReport } = await import("../src/server/reports/get-report");
  const { visitRowsPage } = await import("../src/server/reports/visits.queries");
  const { reportRange, reportScope } = await import("../src/server/reports/report-range");
  const { localDate, addDays } = await import("../src/lib/time");
  const handle = await openPostgres({ url: DB_URL, max: 4 });
  if (handle.client.kind !== "postgres") throw new Error("PostgreSQL only");
  const pg = handle.client.sql;
  const { db, captured } = capturingDb(handle.db);
  const actor = async (email: string) => {
    const [p] = await queryRows<{ id: number; name: string; email: string; role: "admin" | "manager" }>(handle.db, sql`SELECT id, name, email, role FROM personnel WHERE email = ${email}`);
    return { ...p!, via: "session" as const, readOnly: false };
  };
  const admin = await actor("bench-admin@bench.test");
  const manager = await actor("bench-m1@bench.test");
  const now = new Date();
  const today = localDate(now, "Asia/Kolkata");
  const range = { from: addDays(today, -DAYS), to: addDays(today, -1) };
  const only = process.env.EXPLAIN_ONLY;
  const cases: [string, () => Promise<unknown>][] = [
    ["summary, admin, rep", () => getSummaryReport({ db, actor: admin, now }, { ...range, group_by: "rep", format: "json" })],
    ["summary, admin, day", () => getSummaryReport({ db, actor: admin, now }, { ...range, group_by: "day", format: "json" })],
    ["summary, admin, week", () => getSummaryReport({ db, actor: admin, now }, { ...range, group_by: "week", format: "json" })],
    ["summary, manager, rep", () => getSummaryReport({ db, actor: manager, now }, { ...range, group_by: "rep", format: "json" })],
    ["visits batch, admin", async () => {
      const ctx = { db, actor: admin, now };
      const r = await reportRange(ctx, range);
      return visitRowsPage(db, await reportScope(ctx, undefined), r, null, 2000);
    }],
  ];
  await explainCases(pg, captured, cases, { only, timed: true });
  await handle.close();
}

main().then(() => process.exit(0), (err: unknown) => { console.error(err); process.exit(1); });
