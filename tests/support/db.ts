/** Gives each integration test file fresh, migrated databases: PGlite always, PostgreSQL when configured. */
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, describe, inject } from "vitest";
import { openPglite, openPostgres, type DbHandle, type Driver } from "../../src/server/db/client";
import { requireLocalUrl, withDatabase } from "./test-db-url";


export type TestDb = { handle: DbHandle; drop(): Promise<void> };

/**
 * The migrated PGlite template (global-setup) as the Blob `loadDataDir` takes. PGlite only calls arrayBuffer() on
 * it; Node's own Blob copies the 50 MB twice on the way (into the Blob, then out in small chunks), about 0.7 s of
 * CPU per database opened, and every integration file opens at least one. Same bytes, handed over directly.
 */
class BufferBlob extends Blob {
  readonly #bytes: Buffer;
  constructor(bytes: Buffer) {
    super([]);
    this.#bytes = bytes;
  }
  override get size(): number {
    return this.#bytes.byteLength;
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.#bytes.buffer.slice(this.#bytes.byteOffset, this.#bytes.byteOffset + this.#bytes.byteLength) as ArrayBuffer);
  }
}

/** A fresh copy of the migrated PGlite template, for `openPglite(undefined, { loadDataDir })`. */
export function pgliteTemplate(): Blob {
  return new BufferBlob(readFileSync(inject("pgliteDump")));
}

export async function freshDb(driver: Driver): Promise<TestDb> {
  if (driver === "pglite") {
    const handle = await openPglite(undefined, { loadDataDir: pgliteTemplate() });
    return { handle, drop: () => handle.close() };
  }
  const url = inject("postgresUrl");
  if (!url) throw new Error("TEST_DATABASE_URL is not set");
  const base = requireLocalUrl(url);
  const runId = inject("runId");
  const name = `fieldbeat_test_${runId}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(withDatabase(base, "postgres"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}" TEMPLATE fieldbeat_test_${runId}_template`);
  const handle = await openPostgres({ url: withDatabase(base, name), max: 20 });
  return {
    handle,
    async drop() {
      await handle.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

export const drivers = (): Driver[] => (inject("postgresUrl") ? ["pglite", "postgres"] : ["pglite"]);

/** The PostgreSQL server's URL behind a handle (tests that need a second pool on it: "another instance"). */
export function serverUrlOf(handle: DbHandle): string {
  if (handle.client.kind !== "postgres") throw new Error("a PostgreSQL server's test, run on the embedded database");
  return handle.client.url;
}

/**
 * describe() once per driver, each with its own fresh database.
 * `ctx.handle` is set in beforeAll; use it inside tests and hooks.
 */
export function describeEachDriver(name: string, body: (ctx: { readonly handle: DbHandle; readonly driver: Driver }) => void) {
  for (const driver of drivers()) {
    describe(`${name} [${driver}]`, () => {
      let db: TestDb | undefined;
      const ctx = {
        driver,
        get handle(): DbHandle {
          if (!db) throw new Error("database not ready (use ctx.handle inside tests or hooks)");
          return db.handle;
        },
      };
      beforeAll(async () => {
        db = await freshDb(driver);
      });
      afterAll(async () => {
        await db?.drop();
      });
      body(ctx);
    });
  }
}
