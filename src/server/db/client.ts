import "server-only";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Sql } from "postgres";
import * as schema from "./schema";
import { telemetryOn } from "../telemetry/telemetry";

export type Schema = typeof schema;
/** The one database type the domain layer sees, whichever driver is behind it (a transaction is one too). */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Driver = "pglite" | "postgres";

export type DbHandle = {
  db: Db;
  driver: Driver;
  /** The underlying client, for the few things drizzle does not wrap (LISTEN, dumps). */
  client: { kind: "pglite"; pg: PGlite } | { kind: "postgres"; sql: Sql; url: string };
  /** Runs every `onClose` flush (settled, in parallel, for at most 5 s), then closes the pool. */
  close(): Promise<void>;
  /**
   * Work that must reach the database before the pool closes, run first by `close()`: the API rate limiter's
   * deferred counts (src/server/auth/batched-limiter.ts), which would otherwise be lost at every shutdown.
   */
  onClose(flush: () => Promise<void>): void;
};

/** How long `close()` waits for the `onClose` flushes (a database that stopped answering must not hold a shutdown). */
const CLOSE_FLUSH_MS = 5_000;

/** `close` and `onClose` for a handle whose pool `end` closes. */
export function closing(end: () => Promise<void>): Pick<DbHandle, "close" | "onClose"> {
  const flushes = new Set<() => Promise<void>>();
  return {
    onClose: (flush) => void flushes.add(flush),
    close: async () => {
      const pending = [...flushes];
      flushes.clear();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled(pending.map((flush) => flush())),
        new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_FLUSH_MS)).unref()),
      ]);
      clearTimeout(timer);
      await end();
    },
  };
}

export const MIGRATIONS_DIR = path.resolve(/*turbopackIgnore: true*/ process.cwd(), "db/migrations");

/** Runs a raw query and returns its rows, hiding the drivers' different result shapes. */
export async function queryRows<T extends Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export type PostgresOptions = { url: string; max?: number; searchPath?: string; prepare?: boolean };

/** Statements with more parameters than this (bulk inserts whose text grows with the batch) stay unnamed. */
export const PREPARE_MAX_PARAMS = 200;
/** Query texts longer than this stay unnamed. */
export const PREPARE_MAX_TEXT = 16_384;

/**
 * drizzle sends every statement with `prepare: false`; postgres.js then asks the server for the parameter
 * types first (Parse/Describe, wait, Bind/Execute): two round trips per parameterised statement, each one
 * parsed and planned again. Through this wrapper a statement of bounded size is a named prepared statement
 * instead, cached per connection by postgres.js: one round trip, no re-parse (docs/decisions/0013).
 * Texts that grow with the data (bulk inserts, long IN lists) stay unnamed so the per-connection cache
 * stays bounded. The wrapper follows drizzle into transactions (`begin`) and savepoints.
 */
export function preparingClient(client: Sql): Sql {
  const wrap = (target: Sql): Sql =>
    new Proxy(target, {
      get(t, prop, receiver) {
        if (prop === "unsafe") {
          return (text: string, params?: unknown[], opts?: Record<string, unknown>) =>
            t.unsafe(text, params as never[], { ...opts, prepare: (params?.length ?? 0) <= PREPARE_MAX_PARAMS && text.length <= PREPARE_MAX_TEXT });
        }
        if (prop === "begin" || prop === "savepoint") {
          return (...args: unknown[]) => {
            const fn = args.pop() as (tx: Sql) => unknown;
            const open = Reflect.get(t, prop) as (...a: unknown[]) => unknown;
            return open.apply(t, [...args, (tx: Sql) => fn(wrap(tx))]);
          };
        }
        return Reflect.get(t, prop, receiver);
      },
    });
  return wrap(client);
}

/** The database name of a connection URL (the `db.namespace` of its spans). */
function databaseOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.slice(1)) || "postgres";
  } catch {
    return "postgres";
  }
}

export async function openPostgres(opts: PostgresOptions): Promise<DbHandle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const client = postgres(opts.url, {
    max: opts.max ?? 10,
    connect_timeout: 10,
    // PostGIS KNN queries carry huge cost estimates; JIT then compiles them on every call (10-50 ms).
    connection: { jit: "off", ...(opts.searchPath ? { search_path: opts.searchPath } : {}) },
    onnotice: () => {},
  });
  // Telemetry on (OTEL_EXPORTER_OTLP_ENDPOINT): a span per statement; off, the client is not wrapped at all.
  let driver: Sql = client;
  if (telemetryOn()) {
    const { tracingPostgres } = await import("./traced");
    driver = tracingPostgres(client, opts.searchPath ? `app:${opts.searchPath}` : "app", databaseOf(opts.url), opts.max ?? 10);
  }
  const db = drizzle(opts.prepare === false ? driver : preparingClient(driver), { schema }) as unknown as Db;
  return { db, driver: "postgres", client: { kind: "postgres", sql: client, url: opts.url }, ...closing(() => client.end({ timeout: 5 })) };
}

/** Opens an embedded PostgreSQL with PostGIS. `dataDir` undefined = in memory. */
export async function openPglite(dataDir: string | undefined, opts: { loadDataDir?: Blob } = {}): Promise<DbHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { postgis } = await import("@electric-sql/pglite-postgis");
  const { drizzle } = await import("drizzle-orm/pglite");
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create({ dataDir, extensions: { postgis }, loadDataDir: opts.loadDataDir });
  const db = drizzle(telemetryOn() ? (await import("./traced")).tracingPglite(pg, "pglite") : pg, { schema }) as unknown as Db;
  return { db, driver: "pglite", client: { kind: "pglite", pg }, ...closing(() => pg.close()) };
}

export async function migrate(handle: DbHandle): Promise<void> {
  if (handle.client.kind === "pglite") {
    const { migrate: run } = await import("drizzle-orm/pglite/migrator");
    const { drizzle } = await import("drizzle-orm/pglite");
    await run(drizzle(handle.client.pg), { migrationsFolder: MIGRATIONS_DIR });
    return;
  }
  const { migrate: run } = await import("drizzle-orm/postgres-js/migrator");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  // Serialise concurrent migrators (several app instances, CI) on one session advisory lock:
  // a single-connection client holds it for the whole run.
  const { default: postgres } = await import("postgres");
  const conn = postgres(handle.client.url, { max: 1, onnotice: () => {} });
  try {
    await conn`SELECT pg_advisory_lock(724201)`;
    await run(drizzle(conn), { migrationsFolder: MIGRATIONS_DIR });
  } finally {
    await conn.end({ timeout: 5 });
  }
}

export async function postgisVersion(db: Db): Promise<string> {
  const [row] = await queryRows<{ v: string }>(db, sql`SELECT postgis_lib_version() AS v`);
  if (!row) throw new Error("PostGIS did not answer");
  return row.v;
}
