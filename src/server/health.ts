import "server-only";
import { postgisVersion, type DbHandle } from "./db/client";
import { log } from "./log";
import { context } from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import { telemetryOn } from "./telemetry/telemetry";
import pkg from "../../package.json";

export type Health =
  | { status: "ok"; db: { driver: string; postgis_version: string }; version: string }
  | { status: "unavailable"; db: { driver: string; error: string }; version: string };

let running: { open: () => Promise<DbHandle>; driver: string; answer: Promise<Health> } | null = null;

/**
 * Asks the database for PostGIS's version: proves the connection and the extension in one query. Requests that
 * arrive while a check is running share its answer (single flight): a load balancer or a load test polling health
 * from many connections costs one query per round trip, not one per request, and every answer is at most one round
 * trip old. A check that fails is not remembered: the next request asks again.
 *
 * The check is never traced, whichever door asked (the lean one, Next's route in dev and on Vercel): a liveness
 * probe asked every few seconds would fill a collector with identical spans. Its request metric is kept by the door.
 */
export function checkHealth(open: () => Promise<DbHandle>, configuredDriver: string): Promise<Health> {
  if (running && running.open === open && running.driver === configuredDriver) return running.answer;
  const ask = () => askDatabase(open, configuredDriver);
  const answer = (telemetryOn() ? context.with(suppressTracing(context.active()), ask) : ask()).finally(() => {
    if (running?.answer === answer) running = null;
  });
  running = { open, driver: configuredDriver, answer };
  return answer;
}

async function askDatabase(open: () => Promise<DbHandle>, configuredDriver: string): Promise<Health> {
  let driver = configuredDriver;
  try {
    const handle = await open();
    driver = handle.driver;
    return { status: "ok", db: { driver, postgis_version: await postgisVersion(handle.db) }, version: pkg.version };
  } catch (err) {
    // The cause goes to the log, not to an unauthenticated caller.
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : undefined;
    log.error("health: database unavailable", { error: err instanceof Error ? err.message : String(err), cause });
    return { status: "unavailable", db: { driver, error: "database unreachable" }, version: pkg.version };
  }
}
