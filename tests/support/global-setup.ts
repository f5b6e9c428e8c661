/**
 * Prepares one migrated template per driver, once per run:
 *  - PGlite: a migrated data directory dumped to a tarball that every test file loads (≈ 1 s instead of ≈ 15 s);
 *  - PostgreSQL (TEST_DATABASE_URL): a migrated template database that every test file clones.
 */
import { existsSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
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
 * The tar with only the WAL segments from the last checkpoint's redo point to the one being written. Older ones
 * are not read by crash recovery (PostgreSQL recycles them at its next checkpoint); later ones are empty
 * pre-allocated files (recycled old ones), and PostgreSQL makes a new segment when it needs one. That is 16 MB of
 * the 68 MB template that every test file's PGlite would otherwise unpack and copy (≈ 0.6 s of CPU each).
 * Tar: 512-byte headers (name at 0, octal size at 124), contents padded to 512, two zero blocks at the end.
 */
export function walOnly(tar: Buffer, redo: string, current: string): Buffer {
  const kept: Buffer[] = [];
  let hasCurrent = false;
  for (let off = 0; off + 512 <= tar.length; ) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString("latin1").replace(/\0.*$/s, "");
    const size = parseInt(header.subarray(124, 136).toString("latin1").replace(/\0.*$/s, "").trim() || "0", 8);
    const end = off + 512 + Math.ceil(size / 512) * 512;
    const segment = /(?:^|\/)pg_wal\/([0-9A-F]{24})$/.exec(name)?.[1];
    if (!segment || (segment >= redo && segment <= current)) kept.push(tar.subarray(off, end));
    hasCurrent ||= segment === current;
    off = end;
  }
  if (!hasCurrent || redo > current) throw new Error(`the PGlite dump's WAL (${redo}..${current}) is not the layout this expects`);
  return Buffer.concat([...kept, Buffer.alloc(1024)]);
}

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
  // A checkpoint first: start-up then replays nothing, and WAL before it is no longer needed (see walOnly).
  await pg.client.pg.exec("CHECKPOINT");
  const { rows } = await pg.client.pg.query<{ redo: string; current: string }>(
    "SELECT redo_wal_file AS redo, pg_walfile_name(pg_current_wal_lsn()) AS current FROM pg_control_checkpoint()",
  );
  const dump = await pg.client.pg.dumpDataDir("none");
  const dir = mkdtempSync(path.join(os.tmpdir(), "fieldbeat-test-"));
  const dumpFile = path.join(dir, "template.tar");
  writeFileSync(dumpFile, walOnly(Buffer.from(await dump.arrayBuffer()), rows[0]!.redo, rows[0]!.current));
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
    // The 51 MB template tarball: left behind, every run on the machine added one to /tmp.
    rmSync(dir, { recursive: true, force: true });
  };
}
