/**
 * The day's km kept incrementally by the pings use-case (src/lib/geo/travel-checkpoint.ts, docs/decisions/0013), on
 * both drivers: a real track with injected faults, sent in random batches — mostly in order, some held back and sent
 * late — and after every batch the stored km equals the whole day's filter measured in PostGIS (`sessionTravel`).
 * That the batches really resume (and late ones really recompute) is shown from outside: a checkpoint tampered with
 * between batches shows in the next in-order batch's figure, and is gone after a late one.
 */
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { Random } from "../../db/seed/random";
import { queryRows, type Db } from "../../src/server/db/client";
import { sessionTravel } from "../../src/server/tracking/compute-travel";
import { detectSessionGaps } from "../../src/server/tracking/detect-gaps";
import { ensurePingPartitions } from "../../src/server/tracking/ping-partitions";
import { recordPings } from "../../src/server/tracking/record-pings";
import type { PingInput } from "../../src/contracts/tracking";
import { describeEachDriver } from "../support/db";
import { asFixes, degrade, haveTracks, phoneTrack, timedSegments } from "../support/tracks";
import { makePeople, openDay, ping, setOrgHours, type People } from "./tracking-support";

const NOW = new Date("2026-11-20T23:00:00Z");

const storedKm = async (db: Db, id: number) =>
  Number((await queryRows<{ km: string }>(db, sql`SELECT total_travel_km::text AS km FROM daily_sessions WHERE id = ${id}`))[0]!.km);
const wholeDayKm = async (db: Db, id: number) => Math.round((await sessionTravel(db, id)).filtered_m / 10) / 100;

/** Random batches of 1..max pings, in order; then `late` of them moved later in the delivery. */
function deliveries(pings: PingInput[], rnd: Random, max: number, late: number): PingInput[][] {
  const out: PingInput[][] = [];
  for (let i = 0; i < pings.length; ) {
    const n = rnd.int(1, max);
    out.push(pings.slice(i, i + n));
    i += n;
  }
  for (let k = 0; k < late; k++) {
    const i = rnd.int(0, out.length - 3);
    const [held] = out.splice(i, 1);
    out.splice(rnd.int(i + 1, out.length), 0, held!);
  }
  return out;
}

describeEachDriver("the day's km kept incrementally", (ctx) => {
  let people: People;
  beforeAll(async () => {
    people = await makePeople(ctx.handle.db);
    await setOrgHours(ctx.handle.db, { timeZone: "UTC", start: "00:00", end: "23:59", days: [1, 2, 3, 4, 5, 6, 7] });
    await ensurePingPartitions(ctx.handle.db, "2026-11-10", "2026-11-21");
  });

  it.skipIf(!haveTracks).each([0, 1, 2])("track %i with faults (the first also as a phone sends it), random batches some late: after each batch the whole day's km", async (i) => {
    const db = ctx.handle.db;
    const seg = timedSegments()[i]!;
    const date = `2026-11-${16 + i}`;
    const sessionId = await openDay(db, people.rep.id, date, new Date(`${date}T08:00:00Z`));
    // The short track also as a phone makes it (1 s fixes with network fixes between); the longer ones with injected
    // faults only (the phone's version of them is 6,000–14,000 fixes: the unit test walks those).
    const clean = asFixes(seg);
    const dirty = i === 0 ? phoneTrack(degrade(clean, 31).fixes, 9, "network-40").fixes : degrade(clean, 31 + i).fixes;
    const shift = Date.parse(`${date}T09:00:00Z`) - clean[0]!.t;
    const pings = dirty.map((f) => ping(new Date(Math.round(f.t + shift)), f.lat, f.lon, { accuracy_m: Math.round(f.accuracy_m * 10) / 10 }));
    const rnd = new Random(100 + i);
    const batches = deliveries(pings, rnd, i === 0 ? 100 : 30, 3);
    for (const [n, batch] of batches.entries()) {
      const r = await recordPings({ db, actor: people.rep, now: NOW }, { pings: batch });
      expect(r.rejected.map((x) => x.reason)).toEqual([]);
      // Every few batches (the whole-day figure is the slow part of this test), and after the last.
      if (n % 3 === 0 || n === batches.length - 1) expect(await storedKm(db, sessionId), `after batch ${n}`).toBe(await wholeDayKm(db, sessionId));
    }
    expect(await storedKm(db, sessionId)).toBeGreaterThan(0);
  });

  it("an in-order batch resumes from the stored checkpoint; a late batch recomputes the whole day", async () => {
    const db = ctx.handle.db;
    const date = "2026-11-19";
    const sessionId = await openDay(db, people.otherRep.id, date, new Date(`${date}T08:00:00Z`));
    // A drive north, one fix every 30 s, ~110 m apart (13 km/h).
    const at = (k: number) => new Date(Date.parse(`${date}T09:00:00Z`) + k * 30_000);
    const fix = (k: number) => ping(at(k), 12.97 + k * 0.001, 77.59, { accuracy_m: 5 });
    const send = (ks: number[]) => recordPings({ db, actor: people.otherRep, now: NOW }, { pings: ks.map(fix) });
    const range = (a: number, b: number) => Array.from({ length: b - a }, (_, k) => a + k);
    await send(range(0, 40));
    const whole = await wholeDayKm(db, sessionId);
    expect(await storedKm(db, sessionId)).toBe(whole);
    const [cp] = await queryRows<{ k: unknown }>(db, sql`SELECT travel_checkpoint->'k' AS k FROM daily_sessions WHERE id = ${sessionId}`);
    expect(cp!.k, "a checkpoint is stored").toBeTruthy();

    // Tamper with the checkpoint: 5 km more before its tail. A batch that resumes carries it into the figure.
    await db.execute(sql`UPDATE daily_sessions SET travel_checkpoint = jsonb_set(travel_checkpoint, '{sealedM}',
      to_jsonb((travel_checkpoint->>'sealedM')::float8 + 5000)) WHERE id = ${sessionId}`);
    await send(range(45, 50));
    expect(await storedKm(db, sessionId), "the in-order batch resumed from the checkpoint").toBe(Math.round((await sessionTravel(db, sessionId)).filtered_m / 10 + 500) / 100);

    // A late batch (fixes between ones already stored, before the checkpoint) runs the whole day: the tampering is gone.
    await send(range(40, 45));
    expect(await storedKm(db, sessionId)).toBe(await wholeDayKm(db, sessionId));
    await send(range(50, 60));
    expect(await storedKm(db, sessionId)).toBe(await wholeDayKm(db, sessionId));
  });

  it("gaps: a batch re-derives only the stretch it can change, and the day's gaps and causes equal the whole day's re-derivation", async () => {
    const db = ctx.handle.db;
    const date = "2026-11-15";
    const rnd = new Random(77);
    // Two reps receive the same fixes and reported gaps; the second's day is then re-derived whole after every batch
    // (what each batch did before), the first's only by its batch's stretch.
    const [windowed, whole] = [people.rep, people.otherRep];
    const login = new Date(`${date}T08:00:00Z`);
    const sWin = await openDay(db, windowed.id, date, login);
    const sWhole = await openDay(db, whole.id, date, login);
    let t = Date.parse(`${date}T08:10:00Z`);
    const fixes: { at: Date; lat: number }[] = [];
    for (let k = 0; k < 240; k++) {
      t += rnd.int(20, 60) * 1000 + (rnd.next() < 0.08 ? rnd.int(5, 40) * 60_000 : 0);
      fixes.push({ at: new Date(t), lat: 12.97 + k * 2e-4 });
    }
    const batches = deliveries(fixes.map((f) => ping(f.at, f.lat, 77.59)), rnd, 25, 4);
    const causes = ["offline", "hidden", "permission_denied", "no_fix"] as const;
    for (const [n, batch] of batches.entries()) {
      // Now and then the phone reports why it was silent: a stretch around one of its fixes, sometimes an old one.
      const around = fixes[rnd.int(0, fixes.length - 1)]!.at.getTime();
      const gaps = n % 3 === 0 ? [{ from: new Date(around - 30 * 60_000).toISOString(), to: new Date(around).toISOString(), cause: causes[rnd.int(0, 3)]! }] : undefined;
      const again = (p: PingInput) => ({ ...p, client_id: crypto.randomUUID() });
      await recordPings({ db, actor: windowed, now: NOW }, { pings: batch, ...(gaps ? { gaps } : {}) });
      await recordPings({ db, actor: whole, now: NOW }, { pings: batch.map(again), ...(gaps ? { gaps } : {}) });
      await detectSessionGaps(db, sWhole, gaps ?? []);
      const read = (s: number) =>
        queryRows<{ s: string; e: string; cause: string }>(
          db,
          sql`SELECT started_at::text AS s, ended_at::text AS e, cause FROM tracking_gaps WHERE session_id = ${s} ORDER BY started_at`,
        );
      expect(await read(sWin), `after batch ${n}`).toEqual(await read(sWhole));
    }
    const final = await queryRows<{ n: string; known: string }>(
      db,
      sql`SELECT count(*)::text AS n, count(*) FILTER (WHERE cause <> 'unknown')::text AS known FROM tracking_gaps WHERE session_id = ${sWin}`,
    );
    expect(Number(final[0]!.n), "the day has gaps").toBeGreaterThan(10);
    expect(Number(final[0]!.known), "and some carry the phone's cause").toBeGreaterThan(0);
  });
});
