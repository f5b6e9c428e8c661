/**
 * Travel distance on real GPS recordings (../shared/fixtures/tracks): the timed segments are replayed
 * as pings into open days and measured in PostGIS; the unfiltered sum must match the reference
 * geodesic length (GeographicLib) within 0.1 %, and the filtered figure (5 m fixes → 10 m jitter threshold)
 * the reference's 10 m thinning (docs/decisions/0004-travel-distance-filter.md).
 */
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { metersBetween } from "../../src/lib/geo/distance";
import { filteredTravel } from "../../src/lib/geo/travel-filter";
import { queryRows } from "../../src/server/db/client";
import { keptPingIds, recomputeSessionTravel, sessionTravel } from "../../src/server/tracking/compute-travel";
import { recordPings } from "../../src/server/tracking/record-pings";
import { describeEachDriver } from "../support/db";
import { asFixes, degrade, naiveMeters, timedSegments } from "../support/tracks";
import { makePeople, openDay, ping, setOrgHours, type People } from "./tracking-support";

const timed = timedSegments();

const NOW = new Date("2026-11-20T23:00:00Z");

describeEachDriver("travel distance on real tracks", (ctx) => {
  let people: People;
  beforeAll(async () => {
    people = await makePeople(ctx.handle.db);
    await setOrgHours(ctx.handle.db, { timeZone: "UTC", start: "00:00", end: "23:59", days: [1, 2, 3, 4, 5, 6, 7] });
  });

  it("finds the three timed segments of the fixtures", () => {
    expect(timed.map((t) => [t.name, t.points.length])).toEqual(timed.map((t) => [t.name, t.ref.points]));
    expect(timed.length).toBe(3);
  });

  it.each(timed.map((t, i) => [t.name, i] as const))("%s: unfiltered PostGIS sum within 0.1 %% of the geodesic reference", async (_name, i) => {
    const seg = timed[i]!;
    const db = ctx.handle.db;
    const date = `2026-11-${String(17 + i).padStart(2, "0")}`;
    const sessionId = await openDay(db, people.rep.id, date, new Date(`${date}T08:00:00Z`));
    // Keep the recording's spacing, moved to 09:00 UTC of the test day.
    const t0 = Date.parse(seg.points[0]!.time);
    const base = Date.parse(`${date}T09:00:00Z`);
    const pings = seg.points.map((p) => ping(new Date(base + Date.parse(p.time) - t0), p.lat, p.lon, { accuracy_m: 5, source: "gps" }));
    for (let k = 0; k < pings.length; k += 500) {
      const r = await recordPings({ db, actor: people.rep, now: NOW }, { pings: pings.slice(k, k + 500) });
      expect(r.rejected).toEqual([]);
    }
    const travel = await sessionTravel(db, sessionId);
    const refM = seg.ref.length_m_geodesic_wgs84_geographiclib!;
    expect(travel.raw_points).toBe(seg.points.length);
    expect(Math.abs(travel.raw_m - refM) / refM).toBeLessThan(0.001);
    expect(travel.filtered_m).toBeLessThanOrEqual(travel.raw_m);
    console.log(`[travel] ${seg.name}: reference ${refM.toFixed(3)} m, raw ${travel.raw_m.toFixed(3)} m, filtered ${travel.filtered_m.toFixed(3)} m (${travel.kept_points}/${travel.raw_points} fixes kept)`);
    // At 5 m accuracy per fix the jitter threshold is 5 + 5 = 10 m against the last kept fix: exactly the
    // reference's independent "10 m thinning", so the filtered figure must match it too (points and length).
    expect(travel.kept_points).toBe(seg.ref.points_after_10m_thinning);
    expect(Math.abs(travel.filtered_m - seg.ref.length_m_geodesic_after_10m_thinning!) / refM).toBeLessThan(0.001);
    // The stored day total is the filtered figure in km, rounded to 10 m.
    const [s] = await queryRows<{ km: string }>(db, sql`SELECT total_travel_km::text AS km FROM daily_sessions WHERE id = ${sessionId}`);
    expect(Number(s!.km)).toBeCloseTo(travel.filtered_m / 1000, 2);
  });

  it.each(timed.map((t, i) => [t.name, i] as const))(
    "%s with injected 2–5 km jumps, stale and swapped fixes and spikes, ingested in delivery order: within 10 %% of the clean track, same fixes kept as the phone's filter",
    async (_name, i) => {
      const seg = timed[i]!;
      const db = ctx.handle.db;
      const date = `2026-11-${String(14 + i).padStart(2, "0")}`;
      const sessionId = await openDay(db, people.rep.id, date, new Date(`${date}T08:00:00Z`));
      const clean = asFixes(seg);
      const shift = Date.parse(`${date}T09:00:00Z`) - clean[0]!.t;
      const { fixes: dirty, injected } = degrade(clean, 7 + i);
      // The phone sends what it got, in the order it got it (no source: a browser never knows), in batches.
      const pings = dirty.map((f) => ping(new Date(f.t + shift), f.lat, f.lon, { accuracy_m: Math.round(f.accuracy_m * 10) / 10 }));
      for (let k = 0; k < pings.length; k += 50) {
        const r = await recordPings({ db, actor: people.rep, now: NOW }, { pings: pings.slice(k, k + 50) });
        expect(r.rejected).toEqual([]);
      }
      const travel = await sessionTravel(db, sessionId);
      const cleanM = seg.ref.length_m_geodesic_after_10m_thinning!; // the clean track through the same filter (asserted above)
      expect(travel.raw_points).toBe(dirty.length);
      expect(travel.raw_m, "the injected faults matter").toBeGreaterThan(cleanM * 3);
      expect(Math.abs(travel.filtered_m - cleanM) / cleanM, `${travel.filtered_m.toFixed(1)} m vs ${cleanM.toFixed(1)} m`).toBeLessThan(0.1);
      // One rule: the server's kept fixes are exactly those the phone's filter keeps from the same fixes in captured_at
      // order, and the stored kilometres are those legs measured in PostGIS (≤ 1 mm per leg from the phone's figure).
      const byTime = [...dirty].sort((a, b) => a.t - b.t);
      const phone = filteredTravel(byTime);
      expect(travel.kept_points).toBe(phone.kept);
      expect(Math.abs(travel.filtered_m - phone.meters)).toBeLessThan(0.001 * phone.legs.length + 0.001);
      expect((await keptPingIds(db, sessionId)).size).toBe(phone.kept);
      const [s] = await queryRows<{ km: string }>(db, sql`SELECT total_travel_km::text AS km FROM daily_sessions WHERE id = ${sessionId}`);
      expect(Number(s!.km)).toBeCloseTo(travel.filtered_m / 1000, 2);
      console.log(
        `[travel] ${seg.name} degraded (${JSON.stringify(injected)}): raw ${travel.raw_m.toFixed(1)} m (naive in delivery order ${naiveMeters(dirty, metersBetween).toFixed(1)} m), filtered ${travel.filtered_m.toFixed(1)} m vs clean ${cleanM.toFixed(1)} m (${(((travel.filtered_m - cleanM) / cleanM) * 100).toFixed(2)} %)`,
      );
    },
  );

  it("drops jitter, low-accuracy and network fixes; compares each fix with the last kept one", async () => {
    const db = ctx.handle.db;
    const date = "2026-11-20";
    const sessionId = await openDay(db, people.otherRep.id, date, new Date(`${date}T08:00:00Z`));
    const at = (min: number) => new Date(Date.parse(`${date}T09:00:00Z`) + min * 60_000);
    // ~1.11 m per 1e-5 degree of latitude. Standing still: 12 fixes wandering 3 m each way at 10 m accuracy.
    const pings = Array.from({ length: 12 }, (_, k) => ping(at(k * 0.5), 12.97 + (k % 2 ? 3e-5 : -3e-5), 77.59, { accuracy_m: 10 }));
    // A slow creep of 4 m per fix: each step is under 20 m, but against the last KEPT fix it adds up.
    for (let k = 1; k <= 10; k++) pings.push(ping(at(6 + k * 0.5), 12.97 + k * 3.6e-5, 77.59, { accuracy_m: 10 }));
    // Outliers that must not count, in the middle of the standing still: a 150 m-accuracy fix and a network fix, both 2.2 km away.
    pings.push(ping(at(1.25), 12.99, 77.59, { accuracy_m: 150 }), ping(at(3.25), 12.99, 77.59, { accuracy_m: 5, source: "network" }));
    await recordPings({ db, actor: people.otherRep, now: NOW }, { pings });
    const travel = await sessionTravel(db, sessionId);
    // Raw counts the jitter and the outliers (there and back twice); filtered keeps only the real creep.
    expect(travel.raw_m).toBeGreaterThan(8800);
    const creepM = (await queryRows<{ m: number }>(db, sql`SELECT ST_Distance(ST_GeogFromText('POINT(77.59 12.97)'), ST_GeogFromText('POINT(77.59 12.97036)')) AS m`))[0]!.m;
    // From the last standing fix (12.97003) the creep goes to 12.97036; kept every ≥ 20 m of movement.
    expect(travel.filtered_m).toBeGreaterThan(20);
    expect(travel.filtered_m).toBeLessThanOrEqual(Number(creepM) + 1);
    expect((await recomputeSessionTravel(db, sessionId)).total_travel_km).toBeCloseTo(travel.filtered_m / 1000, 2);
  });
});
