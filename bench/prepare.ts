/**
 * The bench database: created if missing, migrated with the app's migrations, then seeded once with
 * reps (check-in senders) and 1,000,000 locations spread around the real Bengaluru POIs
 * (../shared/fixtures/poi, ±3.3 km around each, or a uniform box when the fixture is absent).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import postgres from "postgres";

export type BenchData = { reps: { first: number; last: number }; locations: number; sample: { id: number; lat: number; lon: number }[] };

export async function prepareDatabase(url: string, opts: { locations: number; reps: number; fixturesDir: string; log: (s: string) => void }): Promise<BenchData> {
  const u = new URL(url);
  const dbName = u.pathname.slice(1);
  if (!/^[a-z0-9_]+$/.test(dbName)) throw new Error(`unexpected bench database name ${dbName}`);
  if (!["127.0.0.1", "localhost", "::1"].includes(u.hostname)) throw new Error("the bench only runs against a local PostgreSQL");
  const adminUrl = new URL(url);
  adminUrl.pathname = "/postgres";
  const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
  const exists = await admin`SELECT 1 FROM pg_database WHERE datname = ${dbName}`;
  if (exists.length === 0) {
    opts.log(`creating database ${dbName}`);
    await admin.unsafe(`CREATE DATABASE ${dbName}`);
  }
  await admin.end();

  const { migrate, openPostgres } = await import("../src/server/db/client");
  const handle = await openPostgres({ url, max: 1 });
  await migrate(handle);
  await handle.close();

  const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { jit: "off" } });
  try {
    await sql`INSERT INTO org_settings (id, time_zone, work_day_start, work_day_end, work_days) VALUES (1, 'Asia/Kolkata', '00:00', '23:59:59', '{1,2,3,4,5,6,7}')
              ON CONFLICT (id) DO UPDATE SET work_day_start = '00:00', work_day_end = '23:59:59', work_days = '{1,2,3,4,5,6,7}'`;
    const haveReps = (await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM personnel WHERE email LIKE 'bench-rep-%'`)[0]!.n;
    if (haveReps < opts.reps) {
      opts.log(`adding ${opts.reps - haveReps} bench reps`);
      await sql`INSERT INTO personnel (name, email, role) SELECT 'Bench rep ' || g, 'bench-rep-' || g || '@bench.test', 'rep'
                FROM generate_series(${haveReps + 1}::int, ${opts.reps}::int) g`;
    }
    const [range] = await sql<{ first: number; last: number }[]>`SELECT min(id)::int AS first, max(id)::int AS last FROM personnel WHERE email LIKE 'bench-rep-%'`;

    const haveLocations = (await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM locations`)[0]!.n;
    if (haveLocations < opts.locations) {
      const poiFile = path.join(opts.fixturesDir, "poi/bengaluru_osm_poi_2015.csv");
      const pois = existsSync(poiFile)
        ? (parse(readFileSync(poiFile), { columns: true, skip_empty_lines: true }) as { lat: string; lon: string; category: string; name: string }[])
        : [];
      opts.log(`generating ${opts.locations - haveLocations} locations around ${pois.length || "no"} Bengaluru POIs (takes a minute)`);
      const t0 = performance.now();
      await sql.begin(async (tx) => {
        await tx`CREATE TEMP TABLE poi (idx int, lat float8, lon float8, category text, name text) ON COMMIT DROP`;
        if (pois.length) {
          await tx`INSERT INTO poi SELECT * FROM unnest(${pois.map((_, i) => i)}::int[], ${pois.map((p) => Number(p.lat))}::float8[], ${pois.map((p) => Number(p.lon))}::float8[],
                   ${pois.map((p) => p.category)}::text[], ${pois.map((p) => p.name || p.category)}::text[])`;
        } else {
          await tx`INSERT INTO poi SELECT 0, 12.975, 77.615, 'shop', 'Synthetic'`;
        }
        await tx`DROP INDEX IF EXISTS idx_location_coords`;
        const npoi = (await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM poi`)[0]!.n;
        const spread = pois.length ? 0.06 : 0.25;
        await tx`INSERT INTO locations (name, coordinates, geofence_radius, location_type, active)
                 SELECT p.name || ' #' || g, ST_SetSRID(ST_MakePoint(p.lon + (random() - 0.5) * ${spread}, p.lat + (random() - 0.5) * ${spread}), 4326)::geography,
                        50, p.category, true
                 FROM generate_series(${haveLocations + 1}::int, ${opts.locations}::int) g JOIN poi p ON p.idx = g % ${npoi}`;
        await tx`CREATE INDEX idx_location_coords ON locations USING gist (coordinates)`;
      });
      await sql`ANALYZE locations`;
      opts.log(`locations ready in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    const total = (await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM locations`)[0]!.n;
    const sample = await sql<{ id: number; lat: number; lon: number }[]>`SELECT id, ST_Y(coordinates::geometry) AS lat, ST_X(coordinates::geometry) AS lon FROM locations ORDER BY random() LIMIT 10000`; // uniform, and never empty on a small table (TABLESAMPLE could be)
    return { reps: range!, locations: total, sample: sample.map((r) => ({ id: r.id, lat: Number(r.lat), lon: Number(r.lon) })) };
  } finally {
    await sql.end();
  }
}

/** Closes the bench reps' open visits, so every rep may check in again (one open visit per rep). */
export async function resetOpenVisits(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql`UPDATE visits SET check_out_time = check_in_time + interval '1 minute' WHERE check_out_time IS NULL AND check_in_time IS NOT NULL`;
  await sql.end();
}

/**
 * After a load run: requests the generator gave up on when its time ran out are still being served and may open
 * visits after a plain reset (seen: ~32 409s in the next run, one per connection). Closes open visits until none has
 * appeared for `quietMs`, at most `maxMs`.
 */
export async function settleOpenVisits(url: string, quietMs = 2000, maxMs = 20_000): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const t0 = Date.now();
    let lastSeen = Date.now();
    while (Date.now() - lastSeen < quietMs && Date.now() - t0 < maxMs) {
      const closed = await sql`UPDATE visits SET check_out_time = check_in_time + interval '1 minute' WHERE check_out_time IS NULL AND check_in_time IS NOT NULL RETURNING 1`;
      if (closed.length > 0) lastSeen = Date.now();
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await sql.end();
  }
}
