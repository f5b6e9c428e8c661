/**
 * GET /api/cron/{job}: the scheduled-job door for serverless hosts (Vercel cron). Without the right
 * `Authorization: Bearer <CRON_SECRET>` it answers 401 and runs nothing; with it, the job of the registry runs
 * against the app's database and its effect is there (a risky check-in's alert, pruned outbox rows).
 * vercel.json schedules exactly the registry's jobs at the registry's times.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/server/auth/actor";
import { useDbHandle } from "../../src/server/db";
import { queryRows } from "../../src/server/db/client";
import { JOBS } from "../../src/server/jobs/registry";
import { runCronJob } from "../../src/server/jobs/run-cron-job";
import { purgePushDeliveries } from "../../src/server/jobs/purge-growing";
import { GET } from "../../src/app/api/cron/[job]/route";
import { checkIn } from "../../src/server/visits/check-in";
import { describeEachDriver } from "../support/db";
import { makeLocation, makePerson } from "../support/visits-world";

// The env module reads process.env once, when first imported: the project sets the secret for every file
// (vitest.config.mts), as modules are shared between the files of a worker.
const SECRET = process.env.CRON_SECRET!;
if (!SECRET) throw new Error("CRON_SECRET is not set: run with the integration project's env (vitest.config.mts)");

async function cron(job: string, authorization?: string) {
  const res = await GET(new Request(`http://localhost/api/cron/${job}`, { headers: authorization ? { authorization } : {} }), { params: Promise.resolve({ job }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string } } };
}

describeEachDriver("GET /api/cron/{job}", (ctx) => {
  let rep: Actor;
  let loc = 0;

  beforeAll(async () => {
    useDbHandle(ctx.handle);
    const mgr = await makePerson(ctx.handle.db, "manager");
    rep = await makePerson(ctx.handle.db, "rep", mgr.id);
    loc = await makeLocation(ctx.handle.db, 12.97, 77.59);
  });
  afterAll(() => useDbHandle(undefined));

  const alertsOf = (id: number) => queryRows<{ kind: string; visit_id: number | null }>(ctx.handle.db, sql`SELECT kind, visit_id FROM alerts WHERE personnel_id = ${id}`);

  it("answers 401 without the secret, with a wrong one or another scheme, and runs nothing", async () => {
    const now = new Date();
    const far = await checkIn({ db: ctx.handle.db, actor: rep, now }, { client_id: randomUUID(), location_id: loc, lat: 13.1, lon: 77.8, accuracy_m: 5, captured_at: now.toISOString() });
    expect(far.body.visit.validation_status).toBe("INVALID");
    for (const authorization of [undefined, "Bearer wrong-secret", `Bearer ${SECRET}x`, `Basic ${SECRET}`, SECRET, "Bearer "]) {
      const res = await cron("alerts-check", authorization);
      expect(res.status, String(authorization)).toBe(401);
      expect(res.body.error?.code).toBe("UNAUTHENTICATED");
    }
    // An unknown job is not revealed to a caller without the secret either.
    expect((await cron("no-such-job")).status).toBe(401);
    expect(await alertsOf(rep.id)).toEqual([]);
  });

  it("runs the alert check with the right secret: the risky check-in's alert is in the database", async () => {
    const res = await cron("alerts-check", `Bearer ${SECRET}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ job: "alerts-check", result: { raised: expect.any(Number) } });
    expect((res.body.result as { raised: number }).raised).toBeGreaterThanOrEqual(1);
    expect((await alertsOf(rep.id)).map((a) => a.kind)).toContain("risky_visit");
    // Idempotent like the pg-boss job: a second run (Vercel may deliver twice) raises nothing new for it.
    const again = await cron("alerts-check", `Bearer ${SECRET}`);
    expect(again.status).toBe(200);
    expect((await alertsOf(rep.id)).filter((a) => a.kind === "risky_visit")).toHaveLength(1);
  });

  it("prunes outbox rows older than the retention with the right secret, and keeps recent ones", async () => {
    const db = ctx.handle.db;
    const [old] = await queryRows<{ id: number }>(db, sql`INSERT INTO events (type, personnel_id, payload, created_at) VALUES ('test.old', ${rep.id}, '{}', now() - interval '400 days') RETURNING id`);
    const [fresh] = await queryRows<{ id: number }>(db, sql`INSERT INTO events (type, personnel_id, payload) VALUES ('test.fresh', ${rep.id}, '{}') RETURNING id`);
    const res = await cron("events-prune", `Bearer ${SECRET}`);
    expect(res.status).toBe(200);
    expect((res.body.result as { deleted: number }).deleted).toBeGreaterThanOrEqual(1);
    const left = await queryRows<{ id: number }>(db, sql`SELECT id FROM events WHERE id IN (${old!.id}, ${fresh!.id})`);
    expect(left.map((r) => Number(r.id))).toEqual([Number(fresh!.id)]);
  });

  it("purges the growing tables past their retention through the door, keeps what is still needed, and a rerun deletes nothing", async () => {
    const db = ctx.handle.db;
    const nowMs = Date.now();
    const ids = { old: randomUUID(), fresh: randomUUID() };
    await db.execute(sql`INSERT INTO idempotency_keys (client_id, actor_id, operation, created_at) VALUES
      (${ids.old}, ${rep.id}, 'test', now() - interval '8 days'), (${ids.fresh}, ${rep.id}, 'test', now() - interval '6 days')`);
    await db.execute(sql`INSERT INTO push_deliveries (personnel_id, kind, subject, sent_at) VALUES
      (${rep.id}, 'test', ${ids.old}, now() - interval '8 days'), (${rep.id}, 'test', ${ids.fresh}, now() - interval '6 days')`);
    await db.execute(sql`INSERT INTO refresh_tokens (personnel_id, family_id, token_hash, expires_at) VALUES
      (${rep.id}, ${randomUUID()}, ${ids.old}, now() - interval '2 days'), (${rep.id}, ${randomUUID()}, ${ids.fresh}, now() - interval '1 hour')`);
    await db.execute(sql`INSERT INTO rate_limits (key, points, expire) VALUES
      (${`test:${ids.old}`}, 5, ${nowMs - 60_000}), (${`test:${ids.fresh}`}, 5, ${nowMs + 3_600_000}), (${`test:forever:${ids.fresh}`}, 1, NULL)`);
    const left = async () => ({
      keys: (await queryRows<{ id: string }>(db, sql`SELECT client_id::text AS id FROM idempotency_keys WHERE operation = 'test' ORDER BY 1`)).map((r) => r.id),
      push: (await queryRows<{ id: string }>(db, sql`SELECT subject AS id FROM push_deliveries WHERE kind = 'test'`)).map((r) => r.id),
      tokens: (await queryRows<{ id: string }>(db, sql`SELECT token_hash AS id FROM refresh_tokens WHERE token_hash IN (${ids.old}, ${ids.fresh})`)).map((r) => r.id),
      limits: (await queryRows<{ id: string }>(db, sql`SELECT key AS id FROM rate_limits WHERE key LIKE 'test:%' ORDER BY 1`)).map((r) => r.id),
    });
    for (const job of ["idempotency-keys-purge", "push-deliveries-purge", "refresh-tokens-purge", "sign-in-attempts-purge"]) {
      const res = await cron(job, `Bearer ${SECRET}`);
      expect(res.status, job).toBe(200);
      expect((res.body.result as { deleted: number }).deleted, job).toBeGreaterThanOrEqual(1);
    }
    expect(await left()).toEqual({ keys: [ids.fresh], push: [ids.fresh], tokens: [ids.fresh], limits: [`test:${ids.fresh}`, `test:forever:${ids.fresh}`].sort() });
    for (const job of ["idempotency-keys-purge", "push-deliveries-purge", "refresh-tokens-purge", "sign-in-attempts-purge"]) {
      expect(((await cron(job, `Bearer ${SECRET}`)).body.result as { deleted: number }).deleted, job).toBe(0);
    }
  });

  it("purges in batches until nothing is left past the retention", async () => {
    const db = ctx.handle.db;
    const subject = randomUUID();
    for (let i = 0; i < 7; i++) {
      await db.execute(sql`INSERT INTO push_deliveries (personnel_id, kind, subject, sent_at) VALUES (${rep.id}, 'batch', ${`${subject}:${i}`}, now() - interval '30 days')`);
    }
    expect(await purgePushDeliveries(db, new Date(), 3)).toEqual({ deleted: 7 }); // batches of 3, 3, 1
    expect(await queryRows(db, sql`SELECT 1 FROM push_deliveries WHERE kind = 'batch'`)).toHaveLength(0);
  });

  it("answers 404 for a job that is not in the registry (right secret)", async () => {
    const res = await cron("no-such-job", `Bearer ${SECRET}`);
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe("NOT_FOUND");
  });

  it("runs every registry job through the door", async () => {
    for (const job of JOBS) expect((await cron(job.name, `Bearer ${SECRET}`)).status, job.name).toBe(200);
  });
});

describe("cron door configuration", () => {
  it("refuses everyone when CRON_SECRET is not configured, without opening the database", async () => {
    let opened = false;
    const open = async () => {
      opened = true;
      throw new Error("must not open");
    };
    for (const authorization of [null, "Bearer ", "Bearer undefined"]) {
      await expect(runCronJob(open, { job: "alerts-check", authorization, secret: undefined, now: new Date() })).rejects.toMatchObject({ status: 401 });
    }
    expect(opened).toBe(false);
  });

  it("vercel.json schedules exactly the registry's jobs, at the registry's times", () => {
    const vercel = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../vercel.json"), "utf8")) as { crons: { path: string; schedule: string }[] };
    const expected = JOBS.map((j) => ({ path: `/api/cron/${j.name}`, schedule: j.cron }));
    expect([...vercel.crons].sort((a, b) => a.path.localeCompare(b.path))).toEqual([...expected].sort((a, b) => a.path.localeCompare(b.path)));
  });
});
