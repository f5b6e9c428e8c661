/**
 * One clock per request (issue #17.9): the door decides `ctx.now` once — the wall clock, or in tests the instant in
 * X-Fieldbeat-Test-Now — so a route-level outcome (a stale fix, the received time, the session's day) is decided on
 * the test's clock, whatever the machine's says. Outside NODE_ENV=test the header is ignored.
 */
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as checkInRoute } from "../../src/app/api/v1/visits/check-in/route";
import type { Actor } from "../../src/server/auth/actor";
import { useDbHandle } from "../../src/server/db";
import { queryRows } from "../../src/server/db/client";
import { requestNow, TEST_NOW_HEADER } from "../../src/server/http/request-clock";
import { describeEachDriver } from "../support/db";
import { call, makeLocation, makePerson, uuid } from "../support/visits-world";

// Mid-morning in the organisation's default zone (Asia/Kolkata, 12:00), years from the machine's clock.
const T = new Date("2031-07-15T06:30:00.000Z");
const before = (ms: number) => new Date(T.getTime() - ms).toISOString();

describe("requestNow", () => {
  const req = (value?: string) => new Request("http://localhost/x", { headers: value ? { [TEST_NOW_HEADER]: value } : {} });
  it("takes the header's instant under NODE_ENV=test", () => {
    expect(requestNow(req(T.toISOString()), "test")).toEqual(T);
  });
  it("ignores it in production and development builds, and when it is not an instant", () => {
    for (const mode of ["production", "development"]) expect(Math.abs(requestNow(req(T.toISOString()), mode).getTime() - Date.now())).toBeLessThan(60_000);
    expect(Math.abs(requestNow(req("yesterday"), "test").getTime() - Date.now())).toBeLessThan(60_000);
  });
});

describeEachDriver("route handlers on the request's clock", (ctx) => {
  let rep: Actor;
  let loc: number;
  beforeAll(async () => {
    useDbHandle(ctx.handle);
    rep = await makePerson(ctx.handle.db, "rep");
    loc = await makeLocation(ctx.handle.db, 12.9716, 77.5946);
  });

  it("decides STALE_FIX, the received time and the session's day on the test's clock", async () => {
    const fresh = await call(checkInRoute, "/api/v1/visits/check-in", {
      as: rep.id,
      now: T,
      body: { client_id: uuid(), location_id: loc, lat: 12.9716, lon: 77.5946, accuracy_m: 8, captured_at: before(2 * 60_000) },
    });
    expect(fresh.status).toBe(201);
    expect(fresh.body.visit.flags).not.toContain("STALE_FIX");
    const [row] = await queryRows<{ received: string; day: string }>(
      ctx.handle.db,
      sql`SELECT v.check_in_received_at AS received, s.session_date::text AS day FROM visits v JOIN daily_sessions s ON s.personnel_id = v.personnel_id WHERE v.id = ${fresh.body.visit.id}`,
    );
    expect(new Date(row!.received)).toEqual(T);
    expect(row!.day).toBe("2031-07-15");

    const other = await makePerson(ctx.handle.db, "rep");
    const stale = await call(checkInRoute, "/api/v1/visits/check-in", {
      as: other.id,
      now: T,
      body: { client_id: uuid(), location_id: loc, lat: 12.9716, lon: 77.5946, accuracy_m: 8, captured_at: before(2 * 60_000 + 1) },
    });
    expect(stale.status).toBe(201);
    expect(stale.body.visit.flags).toContain("STALE_FIX");
  });
});
