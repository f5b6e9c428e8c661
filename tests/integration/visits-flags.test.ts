import { sql } from "drizzle-orm";
import { afterEach, expect, it } from "vitest";
import { POST as checkInRoute } from "../../src/app/api/v1/visits/check-in/route";
import { POST as checkOutRoute } from "../../src/app/api/v1/visits/check-out/route";
import { queryRows } from "../../src/server/db/client";
import { useDbHandle } from "../../src/server/db";
import { describeEachDriver } from "../support/db";
import { call, isoAgo, makeLocation, makePerson, uuid } from "../support/visits-world";

describeEachDriver("visits: plausibility flags computed, scored and stored", (ctx) => {
  afterEach(() => useDbHandle(undefined));
  const checkIn = (as: number, body: Record<string, unknown>) => call(checkInRoute, "/api/v1/visits/check-in", { as, body });

  it("LOW_ACCURACY, STALE_FIX (not for offline replays) and CLOCK_SKEW", async () => {
    useDbHandle(ctx.handle);
    const db = ctx.handle.db;
    const loc = await makeLocation(db, 12.95, 77.6, 50);
    const cases = [
      [{ accuracy_m: 75, captured_at: isoAgo(1000) }, ["LOW_ACCURACY"], 85],
      [{ accuracy_m: 5, captured_at: isoAgo(10 * 60_000) }, ["STALE_FIX"], 85],
      // An offline replay excuses the old fix only with a queue time that matches it (issue #17.3).
      [{ accuracy_m: 5, captured_at: isoAgo(10 * 60_000), offline_replay: true, queued_at: isoAgo(10 * 60_000 - 20_000) }, [], 100],
      [{ accuracy_m: 5, captured_at: isoAgo(10 * 60_000), offline_replay: true }, ["STALE_FIX"], 85],
      [{ accuracy_m: 5, captured_at: isoAgo(10 * 60_000), offline_replay: true, queued_at: isoAgo(60_000) }, ["STALE_FIX"], 85],
      [{ accuracy_m: 5, captured_at: isoAgo(-90_000) }, ["CLOCK_SKEW"], 90],
    ] as const;
    for (const [extra, flags, score] of cases) {
      const rep = await makePerson(db, "rep");
      const r = await checkIn(rep.id, { client_id: uuid(), location_id: loc, lat: 12.95 + Math.random() * 1e-5, lon: 77.6, ...extra });
      expect(r.status).toBe(201);
      expect(r.body.validation).toMatchObject({ status: "VALID", flags, evidence_score: score });
      expect(r.body.validation.reasons).toHaveLength(1 + flags.length);
      expect(r.body.visit).toMatchObject({ flags, evidence_score: score });
    }
  });

  it("check-out: an offline replay excuses its old fix only when its queue time matches the fix (#17.3)", async () => {
    useDbHandle(ctx.handle);
    const db = ctx.handle.db;
    const loc = await makeLocation(db, 12.91, 77.64, 50);
    for (const [queued, flags] of [
      [isoAgo(30 * 60_000 - 90_000), []],
      [isoAgo(60_000), ["STALE_FIX"]],
    ] as const) {
      const rep = await makePerson(db, "rep");
      const ci = await checkIn(rep.id, { client_id: uuid(), location_id: loc, lat: 12.91 + Math.random() * 1e-5, lon: 77.64, accuracy_m: 5, captured_at: isoAgo(40 * 60_000), offline_replay: true, queued_at: isoAgo(40 * 60_000) });
      expect(ci.body.validation.flags).toEqual([]);
      const body = { client_id: uuid(), visit_id: ci.body.visit.id, lat: 12.91 + Math.random() * 1e-5, lon: 77.64, accuracy_m: 5, captured_at: isoAgo(30 * 60_000), offline_replay: true, queued_at: queued };
      const co = await call(checkOutRoute, "/api/v1/visits/check-out", { as: rep.id, body });
      expect(co.status).toBe(200);
      expect(co.body.validation.flags).toEqual(flags);
      const [row] = await queryRows<{ q: string }>(db, sql`SELECT validation_details->>'queued_at' AS q FROM location_validations WHERE visit_id = ${ci.body.visit.id} AND validation_details->>'phase' = 'check_out'`);
      expect(new Date(row!.q).toISOString()).toBe(queued);
    }
  });

  it("IMPOSSIBLE_SPEED against the rep's previous fix; REPEATED_COORDS against another rep's visit; check-out merges flags and keeps the weaker score", async () => {
    useDbHandle(ctx.handle);
    const db = ctx.handle.db;
    const near = await makeLocation(db, 12.93, 77.62, 50);
    const far = await makeLocation(db, 13.03, 77.62, 50); // ≈ 11 km north
    const rep = await makePerson(db, "rep");
    const first = await checkIn(rep.id, { client_id: uuid(), location_id: near, lat: 12.93001, lon: 77.62, accuracy_m: 5, captured_at: isoAgo(60_000) });
    expect(first.body.validation.flags).toEqual([]);
    const out = await call(checkOutRoute, "/api/v1/visits/check-out", { as: rep.id, body: { client_id: uuid(), visit_id: first.body.visit.id, lat: 12.93002, lon: 77.62, accuracy_m: 5, captured_at: isoAgo(50_000) } });
    expect(out.body.validation.flags).toEqual([]);
    // 11 km in 45 s ≈ 880 km/h.
    const jump = await checkIn(rep.id, { client_id: uuid(), location_id: far, lat: 13.03, lon: 77.62, accuracy_m: 5, captured_at: isoAgo(5_000) });
    expect(jump.body.validation.flags).toEqual(["IMPOSSIBLE_SPEED"]);
    expect(jump.body.validation.reasons[1]).toMatch(/Impossible speed: \d{3} km\/h/);
    const [detail] = await queryRows<{ speed: number }>(db, sql`SELECT (validation_details->>'speed_kmh')::float8 AS speed FROM location_validations WHERE visit_id = ${jump.body.visit.id}`);
    expect(detail!.speed).toBeGreaterThan(800);

    // Another rep sends exactly the first rep's check-in coordinates at the same location.
    const copycat = await makePerson(db, "rep");
    const copy = await checkIn(copycat.id, { client_id: uuid(), location_id: near, lat: 12.93001, lon: 77.62, accuracy_m: 5, captured_at: isoAgo(2_000) });
    expect(copy.body.validation).toMatchObject({ flags: ["REPEATED_COORDS"], evidence_score: 70 });
    // Its check-out has a poor fix: the visit keeps both fixes' flags and the weaker score.
    const copyOut = await call(checkOutRoute, "/api/v1/visits/check-out", { as: copycat.id, body: { client_id: uuid(), visit_id: copy.body.visit.id, lat: 12.93005, lon: 77.62, accuracy_m: 90, captured_at: isoAgo(1_000) } });
    expect(copyOut.body.validation).toMatchObject({ flags: ["LOW_ACCURACY"], evidence_score: 85 });
    expect(copyOut.body.visit).toMatchObject({ flags: ["LOW_ACCURACY", "REPEATED_COORDS"], evidence_score: 70, validation_status: "VALID", check_out_status: "VALID" });
  });
});
