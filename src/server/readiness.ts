import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { MIGRATIONS_DIR, queryRows, type DbHandle } from "./db/client";
import { log } from "./log";

export type Readiness =
  | { status: "ready"; migrations: { applied: number; expected: number } }
  | { status: "not_ready"; reason: "database_unreachable" | "migrations_pending"; migrations?: { applied: number; expected: number } };

type Journal = { entries: { when: number; tag: string }[] };

let journalMemo: Journal | undefined;
/** The migrations this build ships (drizzle-kit's journal), read once per process. */
function journal(): Journal {
  return (journalMemo ??= JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, "meta/_journal.json"), "utf8")) as Journal);
}

/**
 * Readiness, unlike liveness (/api/health), also proves that every migration this build ships is applied:
 * drizzle records each applied migration with its journal timestamp, so the newest one must be there.
 * A load balancer should route to an instance only once this answers 200.
 */
export async function checkReadiness(open: () => Promise<DbHandle>): Promise<Readiness> {
  const expected = journal().entries;
  let rows: { applied: number; newest: string | null }[];
  try {
    const handle = await open();
    rows = await queryRows(
      handle.db,
      sql`SELECT count(*)::int AS applied, max(created_at)::text AS newest FROM drizzle.__drizzle_migrations`,
    );
  } catch (err) {
    log.error("ready: database check failed", { error: err instanceof Error ? err.message : String(err) });
    return { status: "not_ready", reason: "database_unreachable" };
  }
  const applied = rows[0]?.applied ?? 0;
  const newest = Number(rows[0]?.newest ?? 0);
  const last = expected.at(-1)?.when ?? 0;
  const migrations = { applied, expected: expected.length };
  return newest >= last ? { status: "ready", migrations } : { status: "not_ready", reason: "migrations_pending", migrations };
}
