import "server-only";
import { existsSync } from "node:fs";
import path from "node:path";
import { env } from "@/env";
import { log } from "../log";
import { rollDemoPlanForward } from "../plans/roll-demo-plan";
import { migrate, openPglite, openPostgres, type DbHandle } from "./client";

export { queryRows, type Db, type DbHandle, type Driver } from "./client";

type Slot = { handle?: Promise<DbHandle>; override?: DbHandle };
// Kept on globalThis: under `next dev` an edit re-evaluates this module, and a module-level
// singleton would open a second PGlite on the same data directory in the same process.
const g = globalThis as typeof globalThis & { __fieldbeatDb?: Slot };
const slot: Slot = (g.__fieldbeatDb ??= {});

/** The process-wide database. Opens (and for the embedded one, migrates and seeds) on first use. */
export function getDbHandle(): Promise<DbHandle> {
  if (slot.override) return Promise.resolve(slot.override);
  slot.handle ??= open().catch((err: unknown) => {
    slot.handle = undefined; // let the next request try again (e.g. the server came back)
    throw err;
  });
  return slot.handle;
}

/** The process-wide database if it is already open (or opening), without opening it: for callers that only ask
 *  whether a Db they were handed is the process's own (e.g. the settings cache), never to open the embedded one. */
export function openedDbHandle(): Promise<DbHandle> | undefined {
  return slot.override ? Promise.resolve(slot.override) : slot.handle;
}

export async function getDb() {
  return (await getDbHandle()).db;
}

/** Tests point the app's route handlers at the database they prepared. */
export function useDbHandle(handle: DbHandle | undefined) {
  slot.override = handle;
}

async function open(): Promise<DbHandle> {
  if (env.DATABASE_URL) {
    const handle = await openPostgres({ url: env.DATABASE_URL, max: env.DATABASE_POOL_MAX, prepare: env.DATABASE_PREPARE });
    log.info("database: PostgreSQL server", { driver: "postgres", pool_max: env.DATABASE_POOL_MAX });
    await rollDemoPlan(handle);
    return handle;
  }
  return openEmbedded(env.PGLITE_DATA_DIR);
}

async function openEmbedded(dataDir: string): Promise<DbHandle> {
  const fresh = !existsSync(path.join(/*turbopackIgnore: true*/ dataDir, "PG_VERSION"));
  const t0 = performance.now();
  const say = (msg: string) => console.log(`[fieldbeat] ${msg} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  console.log(
    `[fieldbeat] embedded PostgreSQL (PGlite + PostGIS) in ${dataDir}` +
      (fresh ? ": first start, creating the database (about 20 s on a 2-core machine)…" : ""),
  );
  const handle = await openPglite(dataDir);
  say("database open");
  await migrate(handle);
  say("migrations applied");
  if (fresh) {
    const { seedDemoData, printDemoLogins } = await import("@db/seed");
    const summary = await seedDemoData(handle.db, { now: new Date(), password: env.DEMO_PASSWORD, fixturesDir: env.FIXTURES_DIR });
    say(`demo data seeded: ${summary.personnel} people, ${summary.locations} locations (${summary.locationSource}), ${summary.visits} visits`);
    printDemoLogins(env.DEMO_PASSWORD);
  } else {
    await rollDemoPlan(handle);
  }
  return handle;
}

/** The demo organisation shows a route today whatever day it is started (no-op elsewhere); never blocks the start. */
async function rollDemoPlan(handle: DbHandle): Promise<void> {
  try {
    const added = await rollDemoPlanForward(handle.db, new Date());
    if (added > 0) log.info("demo: planned route rolled forward to today", { stops: added });
  } catch (err) {
    log.warn("demo: could not roll the planned route forward", { error: err instanceof Error ? err.message : String(err) });
  }
}
