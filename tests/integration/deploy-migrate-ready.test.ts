/**
 * Operations (#22): many instances may start at once on an empty database; readiness proves the schema is current;
 * a pg_dump taken from a live database restores into a new one that the app serves.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, describe, expect, inject, it } from "vitest";
import { sql } from "drizzle-orm";
import { migrate, openPglite, openPostgres, queryRows, type DbHandle } from "../../src/server/db/client";
import { checkReadiness } from "../../src/server/readiness";
import { GET as ready } from "../../src/app/api/ready/route";
import { useDbHandle } from "../../src/server/db";
import { signIn } from "../../src/server/auth/sign-in";
import { seedDemoData } from "../../db/seed";
import { pgliteTemplate } from "../support/db";
import { requireLocalUrl, withDatabase } from "../support/test-db-url";
import journal from "../../db/migrations/meta/_journal.json";

const pgUrl = inject("postgresUrl");
const FIXTURES = path.resolve(process.env.FIXTURES_DIR ?? "../shared/fixtures");
const expected = journal.entries.length;

/** Empty databases made by this file, dropped at the end. */
const made: string[] = [];
async function emptyDatabase(withPostgis = false): Promise<string> {
  const base = requireLocalUrl(pgUrl!);
  const name = `fieldbeat_test_${inject("runId")}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(withDatabase(base, "postgres"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  await admin.end();
  made.push(name);
  const url = withDatabase(base, name);
  if (withPostgis) {
    const c = postgres(url, { max: 1, onnotice: () => {} });
    await c`CREATE EXTENSION IF NOT EXISTS postgis`;
    await c.end();
  }
  return url;
}

afterAll(async () => {
  if (!pgUrl || made.length === 0) return;
  const admin = postgres(withDatabase(requireLocalUrl(pgUrl), "postgres"), { max: 1, onnotice: () => {} });
  for (const name of made) await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
});

describe.skipIf(!pgUrl)("migrations on PostgreSQL", () => {
  it("three migrators started together on an empty database all succeed and apply each migration once", async () => {
    const url = await emptyDatabase();
    const handles = await Promise.all([0, 1, 2].map(() => openPostgres({ url, max: 2 })));
    try {
      const results = await Promise.allSettled(handles.map((h) => migrate(h)));
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
      const [row] = await queryRows<{ n: number; distinct_hashes: number }>(
        handles[0]!.db,
        sql`SELECT count(*)::int AS n, count(DISTINCT hash)::int AS distinct_hashes FROM drizzle.__drizzle_migrations`,
      );
      expect(row).toEqual({ n: expected, distinct_hashes: expected });
      expect(await checkReadiness(async () => handles[1]!)).toEqual({ status: "ready", migrations: { applied: expected, expected } });
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  });

  it("readiness is 503 until the migrations are applied, then 200", async () => {
    const url = await emptyDatabase();
    const handle = await openPostgres({ url, max: 2 });
    try {
      useDbHandle(handle);
      let res = await ready(new Request("http://localhost/api/ready"), { params: Promise.resolve({}) });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: "not_ready", reason: "database_unreachable" });

      // An instance of a newer build on a database that lacks its newest migration.
      await migrate(handle);
      const [newest] = await queryRows<{ id: number; hash: string; created_at: string }>(
        handle.db,
        sql`DELETE FROM drizzle.__drizzle_migrations WHERE created_at = (SELECT max(created_at) FROM drizzle.__drizzle_migrations) RETURNING id, hash, created_at::text`,
      );
      res = await ready(new Request("http://localhost/api/ready"), { params: Promise.resolve({}) });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: "not_ready", reason: "migrations_pending", migrations: { applied: expected - 1, expected } });

      await handle.db.execute(sql`INSERT INTO drizzle.__drizzle_migrations (id, hash, created_at) VALUES (${newest!.id}, ${newest!.hash}, ${newest!.created_at}::bigint)`);
      res = await ready(new Request("http://localhost/api/ready"), { params: Promise.resolve({}) });
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(await res.json()).toEqual({ status: "ready", migrations: { applied: expected, expected } });
    } finally {
      useDbHandle(undefined);
      await handle.close();
    }
  });

  it("a pg_dump of a live database restores into a new database that the app serves (the README's restore drill)", async () => {
    const source = await emptyDatabase();
    const src = await openPostgres({ url: source, max: 2 });
    const dir = mkdtempSync(path.join(os.tmpdir(), "fieldbeat-backup-"));
    let restored: DbHandle | undefined;
    try {
      await migrate(src);
      await seedDemoData(src.db, { password: "restore-drill-pass", now: new Date("2026-12-01T06:00:00Z"), fixturesDir: FIXTURES, historyDays: 3 });
      const [before] = await queryRows<{ people: number; visits: number; locations: number }>(
        src.db,
        sql`SELECT (SELECT count(*) FROM personnel)::int AS people, (SELECT count(*) FROM visits)::int AS visits, (SELECT count(*) FROM locations)::int AS locations`,
      );
      expect(before!.visits).toBeGreaterThan(0);

      // The README's commands: a custom-format dump, restored into a new database with PostGIS available.
      const file = path.join(dir, "fieldbeat.dump");
      execFileSync("pg_dump", ["--format=custom", "--no-owner", `--file=${file}`, source]);
      const target = await emptyDatabase();
      execFileSync("pg_restore", ["--no-owner", "--exit-on-error", `--dbname=${target}`, file]);

      restored = await openPostgres({ url: target, max: 2 });
      const [after] = await queryRows<{ people: number; visits: number; locations: number }>(
        restored.db,
        sql`SELECT (SELECT count(*) FROM personnel)::int AS people, (SELECT count(*) FROM visits)::int AS visits, (SELECT count(*) FROM locations)::int AS locations`,
      );
      expect(after).toEqual(before);
      const handle = restored;
      expect(await checkReadiness(async () => handle)).toEqual({ status: "ready", migrations: { applied: expected, expected } });
      // Migrating a restored database is a no-op, and a demo person signs in against it.
      await migrate(restored);
      const actor = await signIn(restored.db, { email: "admin@fieldbeat.test", password: "restore-drill-pass" }, { ip: "203.0.113.9", userAgent: "restore-drill" }, new Date());
      expect(actor).toMatchObject({ role: "admin", email: "admin@fieldbeat.test" });
    } finally {
      await src.close();
      await restored?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe("migrations on the embedded database", () => {
  it("the migrated template is ready (readiness on PGlite)", async () => {
    // The tests' migrated template (global-setup runs migrate() on PGlite once per run).
    const handle = await openPglite(undefined, { loadDataDir: pgliteTemplate() });
    try {
      expect(await checkReadiness(async () => handle)).toEqual({ status: "ready", migrations: { applied: expected, expected } });
    } finally {
      await handle.close();
    }
  });
});
