import { afterEach, beforeAll, expect, it } from "vitest";
import { GET as getVisitRoute } from "../../src/app/api/v1/visits/[id]/route";
import { POST as checkInRoute } from "../../src/app/api/v1/visits/check-in/route";
import { POST as checkOutRoute } from "../../src/app/api/v1/visits/check-out/route";
import { GET as listRoute } from "../../src/app/api/v1/visits/route";
import type { Actor } from "../../src/server/auth/actor";
import { useDbHandle } from "../../src/server/db";
import { AppError } from "../../src/server/errors";
import { checkIn } from "../../src/server/visits/check-in";
import { listVisits } from "../../src/server/visits/visits.queries";
import { describeEachDriver } from "../support/db";
import { call, ctxFor, isoAgo, makeLocation, makePerson, uuid, writeCounts } from "../support/visits-world";

describeEachDriver("visits: scope and permissions", (ctx) => {
  let admin: Actor, m1: Actor, m2: Actor, a: Actor, a2: Actor, b: Actor;
  let loc: number;
  const visitsOf: Record<string, number[]> = {};

  beforeAll(async () => {
    useDbHandle(ctx.handle);
    const db = ctx.handle.db;
    admin = await makePerson(db, "admin");
    m1 = await makePerson(db, "manager", admin.id);
    m2 = await makePerson(db, "manager", admin.id);
    a = await makePerson(db, "rep", m1.id);
    a2 = await makePerson(db, "rep", m1.id);
    b = await makePerson(db, "rep", m2.id);
    loc = await makeLocation(db, 12.9716, 77.5946);
    // Three closed visits for `a` (1 h, 40 min, 20 min ago), one open visit each for a2 and b.
    for (const [who, closed] of [[a, 3], [a2, 0], [b, 0]] as const) {
      visitsOf[who.id] = [];
      for (let i = 0; i <= closed; i++) {
        if (who !== a && i > 0) break;
        const at = closed ? 60 - i * 20 : 10;
        const res = await call(checkInRoute, "/api/v1/visits/check-in", {
          as: who.id,
          body: { client_id: uuid(), location_id: loc, lat: 12.9716 + who.id * 1e-7 + i * 1e-7, lon: 77.5946, accuracy_m: 8, captured_at: isoAgo(at * 60_000), offline_replay: true },
        });
        expect(res.status).toBe(201);
        visitsOf[who.id]!.push(res.body.visit.id);
        if (who === a && i < closed) {
          const out = await call(checkOutRoute, "/api/v1/visits/check-out", {
            as: who.id,
            body: { client_id: uuid(), visit_id: res.body.visit.id, lat: 12.9716, lon: 77.59461 + i * 1e-7, accuracy_m: 8, captured_at: isoAgo((at - 5) * 60_000), offline_replay: true },
          });
          expect(out.status).toBe(200);
        }
      }
    }
  });
  afterEach(() => useDbHandle(ctx.handle));

  const list = (as: number, qs = "") => call(listRoute, `/api/v1/visits${qs}`, { as });
  const one = (as: number, id: number) => call(getVisitRoute, `/api/v1/visits/${id}`, { as, params: { id: String(id) } });
  const ids = (r: { body: { visits: Array<{ id: number }> } }) => r.body.visits.map((v) => v.id).sort((x, y) => x - y);

  it("a rep lists only their own visits; asking for another person answers 404", async () => {
    expect(ids(await list(a.id))).toEqual([...visitsOf[a.id]!].sort((x, y) => x - y));
    const r = await list(a.id, `?personnel_id=${b.id}`);
    expect(r.status).toBe(404);
    expect((await list(a.id, `?personnel_id=${a2.id}`)).status).toBe(404);
  });

  it("a manager sees their team, not another team (404), and an admin sees everyone", async () => {
    expect(ids(await list(m1.id))).toEqual([...visitsOf[a.id]!, ...visitsOf[a2.id]!].sort((x, y) => x - y));
    expect((await list(m1.id, `?personnel_id=${b.id}`)).status).toBe(404);
    expect(ids(await list(m2.id, `?personnel_id=${b.id}`))).toEqual(visitsOf[b.id]);
    const all = ids(await list(admin.id));
    for (const v of [...visitsOf[a.id]!, ...visitsOf[a2.id]!, ...visitsOf[b.id]!]) expect(all).toContain(v);
  });

  it("GET /visits/{id}: out of scope is 404, in scope returns the visit with its validations", async () => {
    const bVisit = visitsOf[b.id]![0]!;
    expect((await one(a.id, bVisit)).status).toBe(404);
    const m1Answer = await one(m1.id, bVisit);
    expect(m1Answer.status).toBe(404);
    expect(m1Answer.body.error.code).toBe("NOT_FOUND");
    const m2Answer = await one(m2.id, bVisit);
    expect(m2Answer.status).toBe(200);
    expect(m2Answer.body.visit.id).toBe(bVisit);
    expect(m2Answer.body.validations).toHaveLength(1);
    expect(m2Answer.body.validations[0]).toMatchObject({ validation_type: "GPS", details: { phase: "check_in" } });
    expect((await one(admin.id, bVisit)).status).toBe(200);
    expect((await one(admin.id, 99_999_999)).status).toBe(404);
    expect((await one(admin.id, Number.NaN)).status).toBe(400);
  });

  it("a manager cannot check out a rep's visit (only one's own: 404) and nothing is written", async () => {
    const before = await writeCounts(ctx.handle.db);
    const r = await call(checkOutRoute, "/api/v1/visits/check-out", {
      as: m2.id,
      body: { client_id: uuid(), visit_id: visitsOf[b.id]![0]!, lat: 12.9716, lon: 77.5946, accuracy_m: 5, captured_at: isoAgo(1000) },
    });
    expect(r.status).toBe(404);
    expect(await writeCounts(ctx.handle.db)).toEqual(before);
  });

  it("a read-only credential may read but not check in (403)", async () => {
    const readOnly = { ...a2, readOnly: true };
    await expect(listVisits(ctxFor(ctx.handle.db, readOnly), { limit: 10 })).resolves.toMatchObject({ visits: expect.any(Array) });
    const err = await checkIn(ctxFor(ctx.handle.db, readOnly), { client_id: uuid(), location_id: loc, lat: 1, lon: 1, accuracy_m: 1, captured_at: new Date().toISOString() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(403);
  });

  it("pages with limit and cursor, newest check-in first, and filters by from/to", async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const r = await list(a.id, `?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      expect(r.status).toBe(200);
      expect(r.body.visits.length).toBeLessThanOrEqual(1);
      seen.push(...r.body.visits.map((v: { id: number }) => v.id));
      cursor = r.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...visitsOf[a.id]!].reverse());
    const windowed = await list(a.id, `?from=${encodeURIComponent(isoAgo(50 * 60_000))}&to=${encodeURIComponent(isoAgo(30 * 60_000))}`);
    expect(ids(windowed)).toEqual([visitsOf[a.id]![1]]);
    expect((await list(a.id, "?cursor=bogus")).status).toBe(400);
    expect((await list(a.id, "?from=yesterday")).body.error.field).toBe("from");
  });
});
