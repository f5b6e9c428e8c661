/**
 * Prepares one migrated template per driver, once per run:
 *  - PGlite: a migrated data directory dumped to a tarball that every test file loads (≈ 1 s instead of ≈ 15 s);
 *  - PostgreSQL (TEST_DATABASE_URL): a migrated template database that every test file clones.
 */
import { existsSync, writeFileSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { migrate, openPglite, openPostgres } from "../../src/server/db/client";
import { requireLocalUrl, withDatabase } from "./test-db-url";

/** Per run, so two runs on one machine (developers, CI) never touch each other's databases. */
export const templateDb = (runId: number) => `fieldbeat_test_${runId}_template`;

declare module "vitest" {
  export interface ProvidedContext {
    pgliteDump: string;
    postgresUrl: string | null;
    runId: number;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let teardown: (() => Promise<void>) | undefined;

/**
 * Tests that need ../shared/fixtures skip with a warning on a developer machine without them; in CI
 * (CI=true) a missing folder fails the run instead of quietly skipping the real-data tests.
 */
export function assertFixturesInCi(env: Record<string, string | undefined> = process.env, dir = path.resolve(env.FIXTURES_DIR ?? path.join(process.cwd(), "../shared/fixtures"))): void {
  if (env.CI !== "true" || existsSync(dir)) return;
  throw new Error(`CI=true but the fixtures folder ${dir} is missing (set FIXTURES_DIR): the real-data tests would be skipped.`);
}

export default async function setup(project: TestProject) {
  assertFixturesInCi();
  const t0 = performance.now();
  project.provide("runId", process.pid);
  const pg = await openPglite(undefined);
  await migrate(pg);
  if (pg.client.kind !== "pglite") throw new Error("unreachable");
  const dump = await pg.client.pg.dumpDataDir("none");
  const dir = mkdtempSync(path.join(os.tmpdir(), "fieldbeat-test-"));
  const dumpFile = path.join(dir, "template.tar");
  writeFileSync(dumpFile, Buffer.from(await dump.arrayBuffer()));
  await pg.close();
  project.provide("pgliteDump", dumpFile);

  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const base = requireLocalUrl(url);
    const admin = postgres(withDatabase(base, "postgres"), { max: 1, onnotice: () => {} });
    // Drop what runs that died (their process is gone) left behind; never another live run's.
    const stale = await admin<{ datname: string }[]>`SELECT datname FROM pg_database WHERE datname ~ '^fieldbeat_test_[0-9]+_'`;
    for (const { datname } of stale) {
      const pid = Number(datname.split("_")[2]);
      if (!isAlive(pid)) await admin.unsafe(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await admin.unsafe(`CREATE DATABASE ${templateDb(process.pid)}`);
    const handle = await openPostgres({ url: withDatabase(base, templateDb(process.pid)), max: 1 });
    await migrate(handle);
    await handle.close();
    await admin.end();
    project.provide("postgresUrl", base.toString());
    teardown = async () => {
      const a = postgres(withDatabase(base, "postgres"), { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${templateDb(process.pid)} WITH (FORCE)`);
      await a.end();
    };
  } else {
    project.provide("postgresUrl", null);
    console.warn("[tests] TEST_DATABASE_URL is not set: integration tests run on PGlite only (CI sets it).");
  }
  console.log(`[tests] database templates ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return async () => {
    await teardown?.();
  };
}
