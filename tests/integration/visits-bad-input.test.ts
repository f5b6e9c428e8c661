import { sql } from "drizzle-orm";
import { afterEach, beforeAll, expect, it } from "vitest";
import { POST as checkInRoute } from "../../src/app/api/v1/visits/check-in/route";
import { POST as checkOutRoute } from "../../src/app/api/v1/visits/check-out/route";
import { queryRows } from "../../src/server/db/client";
import { useDbHandle } from "../../src/server/db";
import { plannedVisits } from "../../src/server/db/schema";
import type { Actor } from "../../src/server/auth/actor";
import { describeEachDriver } from "../support/db";
import { call, isoAgo, makeLocation, makePerson, uuid, writeCounts, type CallOpts } from "../support/visits-world";

const DAY = 86_400_000;

describeEachDriver("visits: bad input is refused with a clear error and writes nothing", (ctx) => {
  let rep: Actor, fresh: Actor, other: Actor, admin: Actor;
  let loc: number, inactive: number, elsewhere: number, othersPlan: number, planElsewhere: number, othersVisit: number, ownVisit: number;
  const good = () => ({ client_id: uuid(), location_id: loc, lat: 12.9716, lon: 77.5946, accuracy_m: 10, captured_at: isoAgo(2_000) });

  beforeAll(async () => {
    useDbHandle(ctx.handle);
    const db = ctx.handle.db;
    rep = await makePerson(db, "rep");
    other = await makePerson(db, "rep");
    fresh = await makePerson(db, "rep");
    admin = await makePerson(db, "admin");
    loc = await makeLocation(db, 12.9716, 77.5946);
    inactive = await makeLocation(db, 12.9717, 77.5947, 50, false);
    elsewhere = await makeLocation(db, 12.98, 77.6);
    const today = new Date().toISOString().slice(0, 10);
    const [p1, p2] = await db
      .insert(plannedVisits)
      .values([
        { personnelId: other.id, locationId: loc, plannedDate: today, sequence: 1 },
        { personnelId: fresh.id, locationId: elsewhere, plannedDate: today, sequence: 1 },
      ])
      .returning({ id: plannedVisits.id });
    othersPlan = p1!.id;
    planElsewhere = p2!.id;
    const a = await call(checkInRoute, "/api/v1/visits/check-in", { as: other.id, body: { ...good(), lat: 12.97161 } });
    othersVisit = a.body.visit.id;
    const b = await call(checkInRoute, "/api/v1/visits/check-in", { as: rep.id, body: { ...good(), location_id: elsewhere, lat: 12.98, lon: 77.6, captured_at: isoAgo(60_000) } });
    ownVisit = b.body.visit.id;
  });
  afterEach(() => useDbHandle(ctx.handle));

  const cases: Array<[string, () => CallOpts & { route?: "out" }, number, string, string | undefined]> = [
    ["lat above 90", () => ({ body: { ...good(), lat: 90.000001 } }), 400, "VALIDATION_FAILED", "lat"],
    ["lat below -90", () => ({ body: { ...good(), lat: -91 } }), 400, "VALIDATION_FAILED", "lat"],
    ["lon above 180", () => ({ body: { ...good(), lon: 180.5 } }), 400, "VALIDATION_FAILED", "lon"],
    ["lon below -180", () => ({ body: { ...good(), lon: -180.000001 } }), 400, "VALIDATION_FAILED", "lon"],
    ["lat as a string", () => ({ body: { ...good(), lat: "12.97" } }), 400, "VALIDATION_FAILED", "lat"],
    ["lat null", () => ({ body: { ...good(), lat: null } }), 400, "VALIDATION_FAILED", "lat"],
    ["lon Infinity (1e999)", () => ({ raw: JSON.stringify(good()).replace(/"lon":[0-9.]+/, '"lon":1e999') }), 400, "VALIDATION_FAILED", "lon"],
    ["NaN literal (not JSON)", () => ({ raw: JSON.stringify(good()).replace(/"lat":[0-9.]+/, '"lat":NaN') }), 400, "INVALID_JSON", undefined],
    ["accuracy_m negative", () => ({ body: { ...good(), accuracy_m: -1 } }), 400, "VALIDATION_FAILED", "accuracy_m"],
    ["accuracy_m missing", () => ({ body: { ...good(), accuracy_m: undefined } }), 400, "VALIDATION_FAILED", "accuracy_m"],
    ["client_id missing", () => ({ body: { ...good(), client_id: undefined } }), 400, "VALIDATION_FAILED", "client_id"],
    ["client_id not a uuid", () => ({ body: { ...good(), client_id: "abc-123" } }), 400, "VALIDATION_FAILED", "client_id"],
    ["location_id missing", () => ({ body: { ...good(), location_id: undefined } }), 400, "VALIDATION_FAILED", "location_id"],
    ["captured_at not a date", () => ({ body: { ...good(), captured_at: "yesterday" } }), 400, "VALIDATION_FAILED", "captured_at"],
    ["captured_at 8 days old", () => ({ body: { ...good(), captured_at: isoAgo(8 * DAY) } }), 400, "CAPTURED_AT_TOO_OLD", "captured_at"],
    ["captured_at 3 minutes ahead", () => ({ body: { ...good(), captured_at: isoAgo(-3 * 60_000) } }), 400, "CAPTURED_AT_IN_FUTURE", "captured_at"],
    ["unknown location", () => ({ body: { ...good(), location_id: 99_999_999 } }), 404, "NOT_FOUND", "location_id"],
    ["inactive location", () => ({ body: { ...good(), location_id: inactive } }), 404, "NOT_FOUND", "location_id"],
    ["another rep's planned visit", () => ({ body: { ...good(), planned_visit_id: othersPlan } }), 404, "NOT_FOUND", "planned_visit_id"],
    ["planned visit at another location", () => ({ body: { ...good(), planned_visit_id: planElsewhere } }), 400, "PLANNED_VISIT_MISMATCH", "planned_visit_id"],
    ["malformed JSON", () => ({ raw: '{"client_id": ' }), 400, "INVALID_JSON", undefined],
    ["a JSON array", () => ({ raw: "[]" }), 400, "VALIDATION_FAILED", undefined],
    ["wrong content type", () => ({ raw: JSON.stringify(good()), contentType: "text/plain" }), 415, "UNSUPPORTED_MEDIA_TYPE", undefined],
    ["oversize body", () => ({ body: { ...good(), notes: "x".repeat(1_100_000) } }), 413, "PAYLOAD_TOO_LARGE", undefined],
    ["no credentials", () => ({ as: -1, body: good() }), 401, "UNAUTHENTICATED", undefined],
    ["admin (no visits.write)", () => ({ as: admin.id, body: good() }), 403, "FORBIDDEN", undefined],
    // Check-out
    ["check-out of another rep's visit", () => ({ route: "out", body: { ...good(), location_id: undefined, visit_id: othersVisit } }), 404, "NOT_FOUND", "visit_id"],
    ["check-out of an unknown visit", () => ({ route: "out", body: { ...good(), location_id: undefined, visit_id: 99_999_999 } }), 404, "NOT_FOUND", "visit_id"],
    ["check-out before the check-in", () => ({ route: "out", body: { ...good(), location_id: undefined, visit_id: ownVisit, captured_at: isoAgo(120_000) } }), 400, "VALIDATION_FAILED", "captured_at"],
    ["check-out lat out of range", () => ({ route: "out", body: { ...good(), location_id: undefined, visit_id: ownVisit, lat: 100 } }), 400, "VALIDATION_FAILED", "lat"],
    ["check-out visit_id missing", () => ({ route: "out", body: { ...good(), location_id: undefined } }), 400, "VALIDATION_FAILED", "visit_id"],
  ];

  it.each(cases)("%s → %i %s (field %s), nothing written", async (_name, make, status, code, field) => {
    const db = ctx.handle.db;
    const opts = make();
    // Check-ins come from a rep with no open visit, so each case fails on its own input alone.
    const as = opts.as === -1 ? undefined : (opts.as ?? (opts.route === "out" ? rep.id : fresh.id));
    const before = await writeCounts(db);
    const res = await call(opts.route === "out" ? checkOutRoute : checkInRoute, `/api/v1/visits/check-${opts.route === "out" ? "out" : "in"}`, { ...opts, as });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe("string");
    expect(res.body.error.field).toBe(field);
    expect(await writeCounts(db)).toEqual(before);
  });

  it("the open visit of the rep is untouched by all of the above", async () => {
    const [v] = await queryRows<{ open: boolean }>(ctx.handle.db, sql`SELECT check_out_time IS NULL AS open FROM visits WHERE id = ${ownVisit}`);
    expect(v!.open).toBe(true);
  });

  it("a correct check-in from the same rep is then accepted (the refusals were about the input)", async () => {
    const res = await call(checkInRoute, "/api/v1/visits/check-in", { as: fresh.id, body: good() });
    expect(res.status).toBe(201);
  });
});
