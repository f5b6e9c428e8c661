/**
 * Where the dashboard's time goes: runs the Team now / team-summary / personnel use-cases on the bench database
 * (bench/dashboard.ts generates it) with every raw statement they send captured, then EXPLAIN (ANALYZE, BUFFERS)
 * of each. Prints one line per statement (execution ms, shared buffers hit/read, first plan line) and, with
 * EXPLAIN_PLANS=1, the full plans.
 *   npx tsx --conditions=react-server bench/dashboard-explain.ts
 */
import { benchActors, teamNowData } from "./dashboard";
import { capturingDb, explainCases } from "./explain";

const DB_URL = process.env.BENCH_DASH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/fieldbeat_bench_dash";

async function main() {
  process.env.DATABASE_URL = DB_URL;
  const { openPostgres } = await import("../src/server/db/client");
  const { getTeamSummary } = await import("../src/server/dashboard/team-summary");
  const { getPersonnelSummary } = await import("../src/server/dashboard/personnel-summary");
  const handle = await openPostgres({ url: DB_URL, max: 4 });
  if (handle.client.kind !== "postgres") throw new Error("PostgreSQL only");
  const pg = handle.client.sql;
  const { db, captured } = capturingDb(handle.db);
  const { admin, managers, reps } = await benchActors(handle.db);
  const [manager, rep] = [managers[0]!, reps[0]!];
  const now = new Date();
  const from = (days: number) => new Date(now.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const page = (a: typeof admin) => teamNowData(db, a, now);
  const cases: [string, () => Promise<unknown>][] = [
    ["Team now, manager", () => page(manager)],
    ["Team now, admin", () => page(admin)],
    ["team-summary, manager, 7 days", () => getTeamSummary({ db, actor: manager, now }, { from: from(7) })],
    ["team-summary, admin, 90 days", () => getTeamSummary({ db, actor: admin, now }, { from: from(90) })],
    ["personnel, 90 days", () => getPersonnelSummary({ db, actor: manager, now }, rep.id, { from: from(90) })],
  ];
  await explainCases(pg, captured, cases);
  await handle.close();
}

main().then(() => process.exit(0), (err: unknown) => { console.error(err); process.exit(1); });
