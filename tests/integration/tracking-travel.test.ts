/**
 * Travel distance on real GPS recordings (../shared/fixtures/tracks): the timed segments are replayed
 * as pings into open days and measured in PostGIS; the unfiltered sum must match the reference
 * geodesic length (GeographicLib) within 0.1 %, and the filtered figure (5 m fixes → 10 m jitter threshold)
 * the reference's 10 m thinning (docs/decisions/0004-travel-distance-filter.md).
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { queryRows } from "../../src/server/db/client";
import { recomputeSessionTravel, sessionTravel } from "../../src/server/tracking/compute-travel";
import { recordPings } from "../../src/server/tracking/record-pings";
import { describeEachDriver } from "../support/db";
import { makePeople, openDay, ping, setOrgHours, type People } from "./tracking-support";

const TRACKS = path.resolve(import.meta.dirname, "../../../shared/fixtures/tracks");
type RefSegment = {
  track: number;
  segment: number;
  points: number;
  first_time: string | null;
  length_m_geodesic_wgs84_geographiclib?: number;
  /** The reference's own thinning: drop a point closer than 10 m to the last kept one. */
  length_m_geodesic_after_10m_thinning?: number;
  points_after_10m_thinning?: number;
};
const reference = JSON.parse(readFileSync(path.join(TRACKS, "track-reference.json"), "utf8")) as Record<string, { segments: RefSegment[] }>;

type Pt = { lat: number; lon: number; time?: string };
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function parseGpx(file: string): Pt[][][] {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", parseTagValue: false });
  type Seg = { trkpt?: Record<string, string> | Record<string, string>[] };
  const doc = parser.parse(readFileSync(path.join(TRACKS, file), "utf8")) as { gpx: { trk?: { trkseg?: Seg | Seg[] } | { trkseg?: Seg | Seg[] }[] } };
  return asArray(doc.gpx.trk).map((trk) =>
    asArray(trk.trkseg).map((seg) => asArray(seg.trkpt).map((p) => ({ lat: Number(p["@_lat"]), lon: Number(p["@_lon"]), time: p.time }))),
  );
}

/** Every timed segment of every GPX file, with its reference. */
const timed = readdirSync(TRACKS)
  .filter((f) => f.endsWith(".gpx"))
  .sort()
  .flatMap((file) => {
    const tracks = parseGpx(file);
    return reference[file]!.segments
      .filter((s) => s.first_time && s.points > 0)
      .map((s) => ({ name: `${file} #${s.track}.${s.segment}`, ref: s, points: tracks[s.track]![s.segment]! }));
  });

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
    const t0 = Date.parse(seg.points[0]!.time!);
    const base = Date.parse(`${date}T09:00:00Z`);
    const pings = seg.points.map((p) => ping(new Date(base + Date.parse(p.time!) - t0), p.lat, p.lon, { accuracy_m: 5, source: "gps" }));
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
