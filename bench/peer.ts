/**
 * The seed's reference backend (FastAPI + geopy + asyncpg, ../shared/bench/peer-seed-fastapi) as the bench's
 * peer: run from its own directory (never copied here), on its own database `peer`, 2 uvicorn workers on
 * port 8100, with 1,000,000 locations loaded once (the box of its README, the one its nearby.lua samples).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { processGroupStopper, run } from "./lib";

export const PEER_DIR = process.env.BENCH_PEER_DIR ?? path.resolve(import.meta.dirname, "../../shared/bench/peer-seed-fastapi");
export const PEER_URL = process.env.BENCH_PEER_URL ?? "http://127.0.0.1:8100";
const PEER_DB = process.env.BENCH_PEER_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/peer";
const PEER_LOCATIONS = Number(process.env.BENCH_PEER_LOCATIONS ?? 1_000_000);

export type Peer = { url: string; python: string; stop: () => Promise<void> };

/** The first Python that imports the peer's packages (BENCH_PEER_PYTHON, else python3, else /usr/bin/python3). */
async function findPython(): Promise<{ python: string | null; tried: string[] }> {
  const candidates = process.env.BENCH_PEER_PYTHON ? [process.env.BENCH_PEER_PYTHON] : ["python3", "/usr/bin/python3"];
  for (const py of candidates) {
    const r = await run(py, ["-c", "import fastapi, uvicorn, asyncpg, geopy"], {}).catch(() => ({ code: -1 }));
    if (r.code === 0) return { python: py, tried: candidates };
  }
  return { python: null, tried: candidates };
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/api/v1/locations/nearby?lat=12.9&lon=77.6&radius=10&limit=1`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

/** Starts the peer (creating and loading its database once); null with the reason logged when it can't run here. */
export async function startPeer(log: (s: string) => void): Promise<Peer | null> {
  if (!existsSync(path.join(PEER_DIR, "app.py"))) {
    log(`SKIPPING the seed reference: no app.py in ${PEER_DIR} (set BENCH_PEER_DIR)`);
    return null;
  }
  const { python, tried } = await findPython();
  if (!python) {
    log(`SKIPPING the seed reference: none of ${tried.join(", ")} can \`import fastapi, uvicorn, asyncpg, geopy\` ` +
      "(Debian: apt-get install -y python3-fastapi python3-uvicorn python3-asyncpg python3-geopy; or set BENCH_PEER_PYTHON)");
    return null;
  }
  if (await answers(PEER_URL)) throw new Error(`something already answers at ${PEER_URL}: stop it first`);

  const u = new URL(PEER_DB);
  const dbName = u.pathname.slice(1);
  if (!/^[a-z0-9_]+$/.test(dbName) || !["127.0.0.1", "localhost", "::1"].includes(u.hostname)) throw new Error(`refusing peer database ${PEER_DB}`);
  const adminUrl = new URL(PEER_DB);
  adminUrl.pathname = "/postgres";
  const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
  if ((await admin`SELECT 1 FROM pg_database WHERE datname = ${dbName}`).length === 0) {
    log(`creating database ${dbName} for the seed reference`);
    await admin.unsafe(`CREATE DATABASE ${dbName}`);
  }
  await admin.end();

  const port = new URL(PEER_URL).port || "8100";
  log(`starting the seed reference (${python} -m uvicorn app:app --workers 2 --port ${port}) in ${PEER_DIR}`);
  const child: ChildProcess = spawn(python, ["-m", "uvicorn", "app:app", "--host", "127.0.0.1", "--port", port, "--workers", "2", "--log-level", "warning"], {
    cwd: PEER_DIR,
    detached: true, // own process group: the uvicorn supervisor and its workers stop together
    env: { ...process.env, DATABASE_URL: PEER_DB.replace(/^postgres:/, "postgresql:") },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const stop = processGroupStopper(child);
  try {
    let up = false;
    for (let i = 0; i < 150 && !up && child.exitCode === null; i++) {
      up = await answers(PEER_URL); // the app creates its schema at startup
      if (!up) await new Promise((r) => setTimeout(r, 200));
    }
    if (!up) throw new Error("the seed reference did not come up");
    await loadPeerData(log);
    return { url: PEER_URL, python, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Its README's data: personnel 1 (every check-in's sender) and 1,000,000 locations in its box, loaded once. */
async function loadPeerData(log: (s: string) => void): Promise<void> {
  const sql = postgres(PEER_DB, { max: 1, onnotice: () => {} });
  try {
    await sql`INSERT INTO personnel (name, email, employee_id) VALUES ('a', 'a@x', 'E1') ON CONFLICT DO NOTHING`;
    const have = (await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM locations`)[0]!.n;
    if (have < PEER_LOCATIONS) {
      log(`loading ${PEER_LOCATIONS - have} locations into the seed reference's database (once)`);
      const t0 = performance.now();
      await sql.begin(async (tx) => {
        await tx`DROP INDEX IF EXISTS idx_location_coords`; // rebuilt after the bulk insert: much faster
        await tx`INSERT INTO locations (name, coordinates, geofence_radius)
                 SELECT 'L' || g, ST_SetSRID(ST_MakePoint(77.3 + random() * 0.6, 12.7 + random() * 0.6), 4326)::geography, 50
                 FROM generate_series(${have + 1}::int, ${PEER_LOCATIONS}::int) g`;
        await tx`CREATE INDEX idx_location_coords ON locations USING gist (coordinates)`;
      });
      await sql`ANALYZE locations`;
      log(`peer locations ready in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
  } finally {
    await sql.end();
  }
}
