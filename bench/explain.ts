/**
 * Shared by the *-explain benches: a Db whose raw statements are captured, and EXPLAIN (ANALYZE, BUFFERS) of what each
 * named case sent (one line per statement; EXPLAIN_PLANS=1 prints the full plans).
 */
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type postgres from "postgres";
import type { Db } from "../src/server/db/client";

const dialect = new PgDialect();

/** `db` with every `execute` also pushed onto `captured`. */
export function capturingDb(inner: Db): { db: Db; captured: SQL[] } {
  const captured: SQL[] = [];
  const db = new Proxy(inner, {
    get: (t, p, r) => (p === "execute" ? (q: SQL) => (captured.push(q), t.execute(q)) : Reflect.get(t, p, r)),
  });
  return { db, captured };
}

/**
 * Each case runs once to warm up, then again with its statements captured and explained on `pg`. `only`: run just the
 * cases whose name contains it; `timed`: the heading carries the second run's end-to-end time.
 */
export async function explainCases(
  pg: postgres.Sql,
  captured: SQL[],
  cases: [string, () => Promise<unknown>][],
  opts: { only?: string; timed?: boolean } = {},
): Promise<void> {
  for (const [name, run] of cases) {
    if (opts.only && !name.includes(opts.only)) continue;
    await run(); // warm
    captured.length = 0;
    const t = performance.now();
    await run();
    console.log(`\n## ${name}${opts.timed ? ` (${(performance.now() - t).toFixed(0)} ms end to end)` : ""}`);
    for (const q of captured) {
      const { sql: text, params } = dialect.sqlToQuery(q);
      const rows = (await pg.unsafe(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`, params as never[])) as unknown as { "QUERY PLAN": [{ Plan: Record<string, unknown>; "Execution Time": number; "Planning Time": number }] }[];
      const plan = rows[0]!["QUERY PLAN"][0];
      const p = plan.Plan;
      const first = text.replace(/\s+/g, " ").slice(0, 70);
      console.log(`- ${plan["Execution Time"].toFixed(1)} ms exec + ${plan["Planning Time"].toFixed(1)} ms plan · buffers hit ${String(p["Shared Hit Blocks"])} read ${String(p["Shared Read Blocks"])} · ${first}`);
      if (process.env.EXPLAIN_PLANS) {
        const txt = (await pg.unsafe(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params as never[])) as unknown as { "QUERY PLAN": string }[];
        console.log(txt.map((r) => "    " + r["QUERY PLAN"]).join("\n"));
      }
    }
  }
}
