/**
 * The outbox NOTIFY under concurrent writers (issue #23, docs/decisions/0013 "The outbox NOTIFY"). PostgreSQL takes
 * a database-wide lock at the commit of every transaction that sent a NOTIFY (`Lock:object`), so those commits are
 * serialised. This drives C connections, each committing check-in-shaped transactions (update a row of its own, insert
 * an outbox event) as fast as it can, with a realtime hub subscribed (a dashboard open), alternating two triggers:
 *   notify — every writing transaction notifies (the trigger before migration 0020);
 *   lease  — the trigger of migration 0020: silent while the hub holds the poll lease.
 * Prints transactions/s, latency percentiles, what the writers waited on (pg_stat_activity sampled every 10 ms) and
 * whether the hub delivered every event.
 *
 *   npx tsx --conditions=react-server bench/outbox-notify.ts
 *
 * BENCH_DATABASE_URL [postgres://postgres@127.0.0.1:5432/fieldbeat_outbox_bench] is dropped and migrated afresh.
 * BENCH_CONNECTIONS [16], BENCH_SECONDS [8] per phase, BENCH_ROUNDS [2] (notify, lease, notify, lease, …).
 * A benchmark, never a test: on a shared machine read the numbers relative to each other, within one run.
 */
import postgres from "postgres";
import { migrate, openPostgres } from "../src/server/db/client";
import { EventHub } from "../src/server/realtime/hub";

const URL_ = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/fieldbeat_outbox_bench";
const CONNS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const APP = "outbox-bench";

const NOTIFY_ALWAYS = `CREATE OR REPLACE FUNCTION fieldbeat_events_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('fieldbeat_events', '');
  RETURN NULL;
END $$`;
const LEASE = `CREATE OR REPLACE FUNCTION fieldbeat_events_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT last_value FROM fieldbeat_events_poll_until) > (extract(epoch FROM clock_timestamp()) * 1000)::bigint THEN
    RETURN NULL;
  END IF;
  PERFORM pg_notify('fieldbeat_events', '');
  RETURN NULL;
END $$`;

async function freshDatabase(): Promise<void> {
  const u = new URL(URL_);
  const name = u.pathname.slice(1);
  u.pathname = "/postgres";
  const admin = postgres(u.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  await admin.end();
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

async function phase(mode: "notify" | "lease", ddl: postgres.Sql, pool: postgres.Sql, sampler: postgres.Sql, hub: EventHub, delivered: () => number) {
  await ddl.unsafe(mode === "notify" ? NOTIFY_ALWAYS : LEASE);
  await new Promise((r) => setTimeout(r, 500));
  const before = delivered();
  const waits = new Map<string, number>();
  let samples = 0;
  let stop = false;
  const sampling = (async () => {
    while (!stop) {
      const rows = await sampler<{ w: string; n: number }[]>`
        SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU/none') AS w, count(*)::int AS n
        FROM pg_stat_activity WHERE application_name = ${APP} AND state = 'active' GROUP BY 1`;
      samples++;
      for (const r of rows) waits.set(r.w, (waits.get(r.w) ?? 0) + r.n);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const lat: number[] = [];
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONNS }, async (_, c) => {
      while (Date.now() < end) {
        const t0 = performance.now();
        await pool.begin(async (tx) => {
          await tx`UPDATE bench_rep SET n = n + 1 WHERE id = ${c}`;
          await tx`INSERT INTO events (type, personnel_id, payload) VALUES ('visit.checked_in', ${c}, '{}'::jsonb)`;
        });
        lat.push(performance.now() - t0);
      }
    }),
  );
  stop = true;
  await sampling;
  const wrote = lat.length;
  // The hub must deliver every event of the phase (it reads the outbox; the trigger only wakes it).
  const t = Date.now();
  while (delivered() - before < wrote && Date.now() - t < 15_000) await new Promise((r) => setTimeout(r, 50));
  const top = [...waits].sort((a, b) => b[1] - a[1]).slice(0, 5);
  console.log(
    `| ${mode} | ${(wrote / SECONDS).toFixed(0)} | ${pct(lat, 50).toFixed(1)} | ${pct(lat, 99).toFixed(1)} | ` +
      `${top.map(([w, n]) => `${w} ${(n / samples).toFixed(2)}`).join(", ")} | ${delivered() - before}/${wrote}${hub.polling ? "" : " (hub idle)"} |`,
  );
}

async function main() {
  await freshDatabase();
  const handle = await openPostgres({ url: URL_, max: 4 });
  await migrate(handle);
  const ddl = postgres(URL_, { max: 1, onnotice: () => {} });
  await ddl.unsafe(`CREATE TABLE bench_rep (id int PRIMARY KEY, n bigint NOT NULL DEFAULT 0)`);
  await ddl.unsafe(`INSERT INTO bench_rep (id) SELECT generate_series(0, ${CONNS - 1})`);
  const pool = postgres(URL_, { max: CONNS, onnotice: () => {}, connection: { application_name: APP } });
  const sampler = postgres(URL_, { max: 1, onnotice: () => {} });
  const hub = new EventHub(handle);
  let n = 0;
  await hub.subscribe(() => void n++);
  console.log(`${CONNS} connections, ${SECONDS} s a phase; waits = active writer backends per sample (pg_stat_activity every 10 ms)`);
  console.log("| trigger | tx/s | p50 ms | p99 ms | writers waiting on (avg backends) | hub delivered |");
  console.log("|---|---|---|---|---|---|");
  for (let r = 0; r < ROUNDS; r++) {
    await phase("notify", ddl, pool, sampler, hub, () => n);
    await phase("lease", ddl, pool, sampler, hub, () => n);
  }
  await hub.close();
  await Promise.all([pool.end(), sampler.end(), ddl.end(), handle.close()]);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
