import "server-only";
import type { PGlite } from "@electric-sql/pglite";
import { context, SpanKind, trace, TraceFlags, type Attributes, type Span } from "@opentelemetry/api";
import { isTracingSuppressed } from "@opentelemetry/core";
import type { Sql } from "postgres";
import { failSpan, telemetryState, tracer } from "../telemetry/telemetry";

/**
 * Database spans (issue #22): one CLIENT span per statement, named by its operation (`SELECT`, `INSERT` …), a child
 * of the request's, action's or job's span, with the statement's text (placeholders, never the parameters: they
 * hold personal data) and the database; a transaction is a span of its own around its statements. Also counts the
 * pool's connections in use (statements outside a transaction + open transactions) for `db.client.connection.count`.
 * Only applied when telemetry is on at open time (src/server/db/client.ts): off, the drivers are not wrapped at all.
 */

/** The statement's first keyword (`WITH` queries count as what they are written as: `WITH`). */
function operationOf(text: string): string {
  const m = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*([A-Za-z]+)/.exec(text);
  return m ? m[1]!.toUpperCase() : "QUERY";
}

const MAX_TEXT = 2048;

function queryAttributes(base: Attributes, text: string): Attributes {
  return { ...base, "db.operation.name": operationOf(text), "db.query.text": text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text };
}

/**
 * Whether the statement runs inside a trace the sampler dropped (the lean door's or Next's request span, not
 * sampled), or with tracing suppressed: no span is made for it. With the samplers one runs in production its span
 * would be dropped anyway — a `parentbased_*` sampler follows the parent, `traceidratio` decides by the trace id the
 * child shares — and with `always_on` it would be an orphan under a parent nobody recorded. At 10 % sampling that is 9 requests in 10, each
 * saving a span, its attributes and a context switch per statement (bench/profile.ts with BENCH_OTEL=0.1).
 */
function inDroppedTrace(): boolean {
  const active = context.active();
  if (isTracingSuppressed(active)) return true; // the liveness check's query (src/server/health.ts)
  const parent = trace.getSpanContext(active);
  return parent !== undefined && (parent.traceFlags & TraceFlags.SAMPLED) === 0 && trace.isSpanContextValid(parent);
}

function startQuerySpan(base: Attributes, text: string): Span | undefined {
  if (inDroppedTrace()) return undefined;
  return tracer().startSpan(operationOf(text), { kind: SpanKind.CLIENT, attributes: queryAttributes(base, text) });
}

function endSpan(span: Span | undefined, err?: unknown): void {
  if (!span) return;
  if (err !== undefined) failSpan(span, err);
  span.end();
}

function baseAttributes(database: string): Attributes {
  // Both the current (db.system.name) and the older (db.system) attribute: collectors and UIs differ in which they read.
  return { "db.system.name": "postgresql", "db.system": "postgresql", "db.namespace": database };
}

/** A transaction's span, active while its callback runs (so its statements are its children). */
function inTransactionSpan<T>(base: Attributes, run: () => Promise<T>): Promise<T> {
  if (inDroppedTrace()) return run();
  return tracer().startActiveSpan("transaction", { kind: SpanKind.CLIENT, attributes: base }, async (span) => {
    try {
      const result = await run();
      span.end();
      return result;
    } catch (err) {
      endSpan(span, err);
      throw err;
    }
  });
}

/** postgres.js: wraps `unsafe` (the path drizzle sends every statement through) and `begin`/`savepoint`. */
export function tracingPostgres(client: Sql, pool: string, database: string, max: number): Sql {
  const state = telemetryState();
  state.dbMax.set(pool, max);
  state.dbUsed.set(pool, 0);
  const count = (d: number) => state.dbUsed.set(pool, (state.dbUsed.get(pool) ?? 0) + d);
  const base = baseAttributes(database);

  const wrap = (target: Sql, inTransaction: boolean): Sql =>
    new Proxy(target, {
      get(t, prop, receiver) {
        if (prop === "unsafe") {
          return (text: string, params?: unknown[], opts?: Record<string, unknown>) => {
            // A postgres.js query is lazy: it is sent when first awaited. The span covers send → result.
            const q = t.unsafe(text, params as never[], opts as never) as unknown as PromiseLike<unknown> & { then: PromiseLike<unknown>["then"] };
            const then = q.then;
            let settled: Promise<unknown> | undefined;
            q.then = function (onFulfilled, onRejected) {
              if (!settled) {
                const span = startQuerySpan(base, text);
                if (!inTransaction) count(1);
                settled = (then as (a: (v: unknown) => unknown, b: (e: unknown) => never) => Promise<unknown>).call(
                  q,
                  (v) => {
                    if (!inTransaction) count(-1);
                    endSpan(span);
                    return v;
                  },
                  (e) => {
                    if (!inTransaction) count(-1);
                    endSpan(span, e);
                    throw e;
                  },
                );
              }
              return settled.then(onFulfilled, onRejected);
            } as typeof q.then;
            return q;
          };
        }
        if (prop === "begin" || prop === "savepoint") {
          return (...args: unknown[]) => {
            const fn = args.pop() as (tx: Sql) => unknown;
            const open = Reflect.get(t, prop) as (...a: unknown[]) => Promise<unknown>;
            const outer = prop === "begin" && !inTransaction;
            if (outer) count(1);
            const run = () => open.apply(t, [...args, (tx: Sql) => fn(wrap(tx, true))]);
            const done = prop === "begin" ? inTransactionSpan(base, run) : run();
            return outer ? done.finally(() => count(-1)) : done;
          };
        }
        return Reflect.get(t, prop, receiver);
      },
    });
  return wrap(client, false);
}

type PgliteLike = Pick<PGlite, "query" | "exec" | "transaction">;

/** PGlite (one connection, in process): wraps `query`, `exec` and `transaction` for drizzle. */
export function tracingPglite(pg: PGlite, database: string): PGlite {
  const state = telemetryState();
  state.dbMax.set("pglite", 1);
  state.dbUsed.set("pglite", 0);
  const count = (d: number) => state.dbUsed.set("pglite", (state.dbUsed.get("pglite") ?? 0) + d);
  const base = baseAttributes(database);

  const traced = async <T>(text: string, inTransaction: boolean, run: () => Promise<T>): Promise<T> => {
    const span = startQuerySpan(base, text);
    if (!inTransaction) count(1);
    try {
      const result = await run();
      endSpan(span);
      return result;
    } catch (err) {
      endSpan(span, err);
      throw err;
    } finally {
      if (!inTransaction) count(-1);
    }
  };

  const wrap = <C extends PgliteLike>(target: C, inTransaction: boolean): C =>
    new Proxy(target, {
      get(t, prop) {
        const value = Reflect.get(t, prop) as unknown;
        if (prop === "query" || prop === "exec") {
          const fn = value as (text: string, ...rest: unknown[]) => Promise<unknown>;
          return (text: string, ...rest: unknown[]) => traced(text, inTransaction, () => fn.call(t, text, ...rest));
        }
        if (prop === "transaction") {
          const open = value as (cb: (tx: PgliteLike) => Promise<unknown>) => Promise<unknown>;
          return (cb: (tx: PgliteLike) => Promise<unknown>) => {
            if (!inTransaction) count(1);
            return inTransactionSpan(base, () => open.call(t, (tx) => cb(wrap(tx, true)))).finally(() => {
              if (!inTransaction) count(-1);
            });
          };
        }
        // PGlite keeps private state: its other methods run on the instance itself, not on the proxy.
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(t) : value;
      },
    });
  return wrap(pg, false);
}
