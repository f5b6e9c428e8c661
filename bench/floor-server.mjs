/**
 * The floor without Next.js, for bench/floor.ts: `GET /api/health` on plain `node:http`, the same query as the app's health
 * check (`SELECT postgis_lib_version()`) through postgres.js (the app's driver, a pool of 10 as the app's default), a small JSON answer. Nothing else: no routing
 * table, no auth, no headers beyond content-type. Plain JavaScript so it starts with `node` alone.
 *
 *   FLOOR_PORT [3930] FLOOR_DATABASE_URL [postgres://postgres@127.0.0.1:5432/fieldbeat_bench] node bench/floor-server.mjs
 */
import http from "node:http";
import postgres from "postgres";

const sql = postgres(process.env.FLOOR_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/fieldbeat_bench", { max: 10, onnotice: () => {} });
const port = Number(process.env.FLOOR_PORT ?? 3930);

http
  .createServer(async (req, res) => {
    if (req.method !== "GET" || req.url !== "/api/health") {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"NOT_FOUND","message":"Not found."}}');
      return;
    }
    try {
      const [row] = await sql`SELECT postgis_lib_version() AS v`;
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify({ status: "ok", db: { driver: "postgres", postgis_version: row?.v } }));
    } catch (e) {
      res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ status: "down", error: String(e) }));
    }
  })
  .listen(port, "127.0.0.1");
