/**
 * Run by tests/unit/telemetry-off.test.ts in a child process (`node --conditions=react-server --import tsx`):
 * starts telemetry as instrumentation.ts does (the endpoint is argv[2], none = off), opens the embedded database and
 * runs a statement through drizzle, then prints which OpenTelemetry packages were loaded, by name — ES modules
 * through a load hook, CommonJS ones (tsx compiles the app to CommonJS) from the require cache.
 */
import * as nodeModule from "node:module";

type LoadHook = (url: string, context: unknown, next: (url: string, context: unknown) => unknown) => unknown;
// Node ≥ 22.15 (newer than the @types/node here); without it, the require cache below still lists what the app loads.
const { createRequire, registerHooks } = nodeModule as typeof nodeModule & { registerHooks?: (hooks: { load: LoadHook }) => void };

const packageOf = (file: string) => file.replace(/.*node_modules\//, "").split("/").slice(0, 2).join("/");
const loaded = new Set<string>();
registerHooks?.({
  load(url, context, next) {
    if (url.includes("/node_modules/@opentelemetry/")) loaded.add(packageOf(url));
    return next(url, context);
  },
});

const endpoint = process.argv[2] || undefined;
const { startTelemetry } = await import("../../src/server/telemetry/start");
const on = await startTelemetry({ endpoint, serviceName: "fieldbeat-probe", vercel: false, metricIntervalMs: 60_000, metricsExporter: "none" });
const { openPglite } = await import("../../src/server/db/client");
const { sql } = await import("drizzle-orm");
const handle = await openPglite(undefined);
await handle.db.execute(sql`SELECT 1`);
await handle.close();
for (const file of Object.keys(createRequire(import.meta.url).cache)) if (file.includes("/node_modules/@opentelemetry/")) loaded.add(packageOf(file));
console.log(JSON.stringify({ on, packages: [...loaded].sort() }));
process.exit(0);
