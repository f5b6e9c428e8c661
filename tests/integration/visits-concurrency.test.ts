import { sql } from "drizzle-orm";
import { afterEach, expect, it } from "vitest";
import { POST as checkInRoute } from "../../src/app/api/v1/visits/check-in/route";
import { POST as checkOutRoute } from "../../src/app/api/v1/visits/check-out/route";
import { queryRows } from "../../src/server/db/client";
import { useDbHandle } from "../../src/server/db";
import { describeEachDriver } from "../support/db";
import { call, isoAgo, makeLocation, makePerson, uuid } from "../support/visits-world";

const N = 50;

describeEachDriver("visits under concurrency", (ctx) => {
  afterEach(() => useDbHandle(undefined));

  it(`${N} identical check-ins (same client_id) → one visit, one validation, one event, ${N} identical bodies`, async () => {
    useDbHandle(ctx.handle);
    const db = ctx.handle.db;
    const rep = await makePerson(db, "rep");
    const locationId = await makeLocation(db, 12.9352, 77.6245, 50);
    const body = { client_id: uuid(), location_id: locationId, lat: 12.93525, lon: 77.62452, accuracy_m: 10, captured_at: isoAgo(3_000) };
    const answers = await Promise.all(Array.from({ length: N }, () => call(checkInRoute, "/api/v1/visits/check-in", { as: rep.id, body })));
    // The first to commit answers 201, every replay 200 with the very same body.
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(N - 1);
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    const [c] = await queryRows<{ visits: number; validations: number; events: number; total_visits: number }>(
      db,
      sql`SELECT (SELECT count(*)::int FROM visits WHERE personnel_id = ${rep.id}) AS visits,
                 (SELECT count(*)::int FROM location_validations lv JOIN visits v ON v.id = lv.visit_id WHERE v.personnel_id = ${rep.id}) AS validations,
                 (SELECT count(*)::int FROM events WHERE personnel_id = ${rep.id} AND type = 'visit.checked_in') AS events,
                 (SELECT total_visits FROM daily_sessions WHERE personnel_id = ${rep.id}) AS total_visits`,
    );
    expect(c).toEqual({ visits: 1, validations: 1, events: 1, total_visits: 1 });

    // The same for the check-out of that visit (25 at once: the rep's per-minute API budget, default 100, is shared with the 50 above).
    const visitId = answers[0]!.body.visit.id as number;
    const out = { client_id: uuid(), visit_id: visitId, lat: 12.93525, lon: 77.62453, accuracy_m: 10, captured_at: isoAgo(1_000) };
    const outs = await Promise.all(Array.from({ length: 25 }, () => call(checkOutRoute, "/api/v1/visits/check-out", { as: rep.id, body: out })));
    expect(outs.every((a) => a.status === 200)).toBe(true);
    expect(new Set(outs.map((a) => a.text)).size).toBe(1);
    const [o] = await queryRows<{ n: number; e: number }>(
      db,
      sql`SELECT (SELECT count(*)::int FROM location_validations WHERE visit_id = ${visitId}) AS n,
                 (SELECT count(*)::int FROM events WHERE visit_id = ${visitId} AND type = 'visit.checked_out') AS e`,
    );
    expect(o).toEqual({ n: 2, e: 1 });
  });

  it(`${N} different check-ins of one rep at once → exactly one wins, the others 409 VISIT_ALREADY_OPEN naming it`, async () => {
    useDbHandle(ctx.handle);
    const db = ctx.handle.db;
    const rep = await makePerson(db, "rep");
    const locationId = await makeLocation(db, 12.9279, 77.6271, 50);
    const answers = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        call(checkInRoute, "/api/v1/visits/check-in", {
          as: rep.id,
          body: { client_id: uuid(), location_id: locationId, lat: 12.9279 + i * 1e-6, lon: 77.6271, accuracy_m: 10, captured_at: isoAgo(3_000) },
        }),
      ),
    );
    const won = answers.filter((a) => a.status === 201);
    expect(won).toHaveLength(1);
    const lost = answers.filter((a) => a.status !== 201);
    expect(lost.every((a) => a.status === 409 && a.body.error.code === "VISIT_ALREADY_OPEN" && a.body.error.open_visit_id === won[0]!.body.visit.id)).toBe(true);
    const [c] = await queryRows<{ visits: number; validations: number; events: number; total_visits: number; keys: number }>(
      db,
      sql`SELECT (SELECT count(*)::int FROM visits WHERE personnel_id = ${rep.id}) AS visits,
                 (SELECT count(*)::int FROM location_validations lv JOIN visits v ON v.id = lv.visit_id WHERE v.personnel_id = ${rep.id}) AS validations,
                 (SELECT count(*)::int FROM events WHERE personnel_id = ${rep.id} AND type = 'visit.checked_in') AS events,
                 (SELECT total_visits FROM daily_sessions WHERE personnel_id = ${rep.id}) AS total_visits,
                 (SELECT count(*)::int FROM idempotency_keys WHERE actor_id = ${rep.id}) AS keys`,
    );
    expect(c).toEqual({ visits: 1, validations: 1, events: 1, total_visits: 1, keys: 1 });
  });
});
