/**
 * One server process of `npm start` (forked by scripts/start.mjs): Next's production server behind the lean door
 * (scripts/door.mjs) on one `node:http` server. Both doors run the same handler functions, loaded once: the door
 * takes the hot routes' exports from Next's own compiled route modules (the build's app-paths manifest), so the
 * database pool, the actor cache and its LISTEN connection, the rate limiter and the realtime hub are the ones
 * Next's routes use — one of each per process.
 *
 * Arguments as `next start`: -p/--port (else PORT, else 3000), -H/--hostname (else every interface).
 * LEAN_DOOR=off sends every request through Next (the contract tests compare both; an operator's kill switch).
 */
import diagnostics from "node:diagnostics_channel";
import http from "node:http";
import path from "node:path";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { createDoor, GATE_KEY, LEAN_PATHS } from "./door.mjs";

// As `next start` does: the production build, whatever the shell says.
process.env.NODE_ENV = "production";
const require = createRequire(import.meta.url);
const dir = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

function option(names, fallback) {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    for (const name of names) {
      if (argv[i] === name) return argv[i + 1];
      if (argv[i].startsWith(name + "=")) return argv[i].slice(name.length + 1);
    }
  }
  return fallback;
}
const port = Number(option(["-p", "--port"], process.env.PORT || 3000));
const hostname = option(["-H", "--hostname"], undefined);

await applyBuildConfigWhenNoSource();
const { default: next } = await import("next");
const app = next({ dev: false, dir, hostname: hostname ?? "localhost", port });
const nextHandler = app.getRequestHandler();
await app.prepare();

// Loaded even with LEAN_DOOR=off: they import the gate, which the door needs for methods Next cannot parse.
const routes = await loadRoutes(path.join(dir, app.options?.conf?.distDir ?? ".next"));
const lean = process.env.LEAN_DOOR !== "off";
const door = createDoor({ routes: lean ? routes : new Map(), gate: findGate(), next: nextHandler });

/**
 * The Docker image's runtime folder (scripts/docker/assemble-runtime.sh) holds Next's standalone output: no
 * next.config.ts (loading it needs SWC and the build tools, left out), but the config the build resolved
 * (.next/required-server-files.json) and next.config.ts bundled into plain JavaScript (dist/next.config.mjs). There
 * Next takes the build's config, as Next's own standalone server.js does; dist/next.config.mjs is still evaluated
 * here, at start, as next.config.ts is in a checkout: it validates the environment (src/env.ts: a bad variable
 * fails the start, by name), and its plain settings are the ones read from the environment now (HTTP_COMPRESS),
 * not the build machine's. A checkout (`npm start`, the e2e suite) has next.config.ts and loads it as always.
 */
async function applyBuildConfigWhenNoSource() {
  const bundled = path.join(dir, "dist", "next.config.mjs");
  if (existsSync(path.join(dir, "next.config.ts")) || !existsSync(bundled)) return;
  const { config } = JSON.parse(readFileSync(path.join(dir, ".next", "required-server-files.json"), "utf8"));
  const { default: exported } = await import(pathToFileURL(bundled).href);
  const atStart = typeof exported === "function" ? await exported("phase-production-server", { defaultConfig: {} }) : exported;
  for (const [key, value] of Object.entries(atStart)) {
    if (value === null || (value !== undefined && typeof value !== "object" && typeof value !== "function")) config[key] = value; // compress …
  }
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);
}

/** The hot routes' exports, from the compiled modules Next itself loads (same module cache, same instances). */
async function loadRoutes(distDir) {
  const manifest = JSON.parse(readFileSync(path.join(distDir, "server", "app-paths-manifest.json"), "utf8"));
  const routes = new Map();
  for (const p of LEAN_PATHS) {
    const file = manifest[`${p}/route`];
    if (!file) throw new Error(`lean door: ${p} is not a route of this build`);
    const { routeModule } = require(path.join(distDir, "server", file));
    await routeModule.ensureUserland?.(); // a route module's exports may load asynchronously (Next 16)
    routes.set(p, routeModule.userland);
  }
  return routes;
}

/** The gate the app published when api-gate.ts loaded (the hot routes import it). */
function findGate() {
  const gate = globalThis[GATE_KEY];
  if (typeof gate !== "function") throw new Error("lean door: the app did not publish its API gate (src/server/http/api-gate.ts)");
  return gate;
}

const server = http.createServer((req, res) => {
  // While draining, an answer closes its connection: the client's next request opens one to a live instance.
  if (closing) res.shouldKeepAlive = false;
  return door(req, res);
});
// An idle keep-alive connection stays open longer than the proxy's in front (HTTP_KEEP_ALIVE_TIMEOUT_MS, validated with
// the rest of the environment when Next loaded the config above), so the proxy, not this server, closes it: with Node's
// 5 s a proxy's (or any pooling client's) request can cross the close and get a reset. The shutdown below closes idle
// connections at once, so a long timeout never holds up a stop. headersTimeout stays Node's (60 s): raising it would
// only give a slow sender longer.
server.keepAliveTimeout = Number(process.env.HTTP_KEEP_ALIVE_TIMEOUT_MS || 65_000);
server.listen(port, hostname, () => {
  console.log(`[fieldbeat] server process ${process.pid} on http://${hostname ?? "localhost"}:${port} (lean door: ${lean ? LEAN_PATHS.length + " routes" : "off"})`);
});

/**
 * SIGTERM/SIGINT (from the supervisor, a process manager, `docker stop` or Ctrl-C), in this order:
 *   1. stop accepting connections: idle keep-alive ones are closed, answers begun from now on say Connection: close,
 *      and a connection whose answer was already under way (a live stream, a slow request) is closed as soon as that
 *      answer is out — it would otherwise stay open for the keep-alive timeout (65 s) and hold the stop to DRAIN_MS;
 *   2. the app's shutdown (src/server/lifecycle/shutdown.ts): SSE streams get a `retry:` hint and a closing comment
 *      and end, so EventSource reconnects with Last-Event-ID elsewhere; the job runner stops after its current job;
 *   3. requests in flight finish (at most DRAIN_MS, then their connections are cut: such a request was never
 *      answered, so its client retries it — every write is idempotent on its client id);
 *   4. the database pool closes, after what must still reach it (the API rate limiter's deferred counts: the
 *      handle's `onClose`, src/server/db/client.ts) — queries still running get a few seconds — and the process exits 0.
 * An acknowledged write (a 2xx sent) has committed before its answer left: nothing acknowledged is lost.
 */
const DRAIN_MS = Number(process.env.SHUTDOWN_DRAIN_MS || 20_000);
let closing = false;
async function shutdown(signal) {
  if (closing) return;
  closing = true;
  const t0 = Date.now();
  console.log(`[fieldbeat] server process ${process.pid}: ${signal}, finishing the requests in flight`);
  let cutAtBound = false;
  const cut = setTimeout(() => {
    cutAtBound = true;
    server.closeAllConnections();
  }, DRAIN_MS);
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeIdleConnections();
  // Node publishes every answer's end here; subscribed only while stopping, so serving pays nothing for it. The
  // connection is idle once Node has detached the answer (after this message): close the idle ones then.
  const closeIdleSoon = () => setImmediate(() => server.closeIdleConnections());
  diagnostics.subscribe("http.server.response.finish", closeIdleSoon);
  let streams = 0;
  try {
    const app = globalThis.__fieldbeatShutdown;
    if (typeof app === "function") streams = (await app())?.streams ?? 0;
  } catch (err) {
    console.error(`[fieldbeat] shutdown: ${err instanceof Error ? err.message : err}`);
  }
  await closed;
  clearTimeout(cut);
  diagnostics.unsubscribe("http.server.response.finish", closeIdleSoon);
  try {
    // The app's process-wide database (src/server/db/index.ts keeps it on globalThis).
    await (await globalThis.__fieldbeatDb?.handle)?.close();
  } catch {
    // already gone
  }
  try {
    // OpenTelemetry (when on): the last spans and metrics leave before the process does (bounded).
    const telemetry = globalThis[Symbol.for("fieldbeat.telemetry")];
    if (telemetry?.shutdown) await Promise.race([telemetry.shutdown(), new Promise((r) => setTimeout(r, 5_000).unref())]);
  } catch {
    // a collector that is down: its spans are lost, the shutdown is not
  }
  console.log(`[fieldbeat] server process ${process.pid}: stopped in ${Date.now() - t0} ms${streams ? ` (${streams} live streams sent elsewhere)` : ""}${cutAtBound ? `; connections still open at ${DRAIN_MS} ms were cut` : ""}`);
  process.exit(0);
}
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => void shutdown(signal));
