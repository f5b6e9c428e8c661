/**
 * Values the README promises, pinned at their exact figures (issue #12 item 12): the per-API-key budget,
 * X-RateLimit-Reset, the session cookie's attributes, the 5-minute gap and the 100 m accuracy cut-off.
 */
import { sql } from "drizzle-orm";
import { afterEach, beforeAll, expect, it } from "vitest";
import { GET as me } from "../../src/app/api/v1/auth/me/route";
import { createApiKey } from "../../src/server/auth/api-keys/create-api-key";
import { getAuthOptions } from "../../src/server/auth/next-auth";
import { setApiRateLimitForTests } from "../../src/server/auth/rate-limit";
import { SESSION_MAX_AGE_S } from "../../src/server/auth/session-cookie";
import { issueAccessToken } from "../../src/server/auth/tokens";
import { queryRows, useDbHandle } from "../../src/server/db";
import { keptPingIds } from "../../src/server/tracking/compute-travel";
import { detectSessionGaps } from "../../src/server/tracking/detect-gaps";
import type { Actor } from "../../src/server/auth/actor";
import { describeEachDriver } from "../support/db";
import { ctxFor, makePerson, uuid } from "../support/visits-world";
import { ensurePingPartitions } from "../../src/server/tracking/ping-partitions";

const get = (headers: Record<string, string>) => me(new Request("http://localhost/api/v1/auth/me", { headers }), { params: Promise.resolve({}) });

it("the session cookie is httpOnly, SameSite=Lax, path /, Secure in production only, and lives 30 days", () => {
  const o = getAuthOptions();
  expect(o.cookies?.sessionToken?.options).toEqual({ httpOnly: true, sameSite: "lax", path: "/", secure: false });
  expect(o.session).toMatchObject({ strategy: "jwt", maxAge: 30 * 24 * 3600 });
  expect(SESSION_MAX_AGE_S).toBe(2_592_000);
});

describeEachDriver("pinned limits", (ctx) => {
  let admin: Actor;
  beforeAll(async () => {
    useDbHandle(ctx.handle);
    admin = await makePerson(ctx.handle.db, "admin");
  });
  afterEach(() => {
    useDbHandle(ctx.handle);
    setApiRateLimitForTests(undefined);
  });

  it("each API key has its own budget, apart from its person's; X-RateLimit-Reset counts the 60 s window", async () => {
    setApiRateLimitForTests(3);
    const a = (await createApiKey(ctxFor(ctx.handle.db, admin), { client_id: uuid(), name: "a", access: "read" })).key.secret!;
    const b = (await createApiKey(ctxFor(ctx.handle.db, admin), { client_id: uuid(), name: "b", access: "read" })).key.secret!;
    const first = await get({ "x-api-key": a });
    expect(first.headers.get("x-ratelimit-limit")).toBe("3");
    expect(first.headers.get("x-ratelimit-remaining")).toBe("2");
    expect(["59", "60"]).toContain(first.headers.get("x-ratelimit-reset"));
    expect((await get({ "x-api-key": a })).status).toBe(200);
    expect((await get({ "x-api-key": a })).status).toBe(200);
    expect((await get({ "x-api-key": a })).status).toBe(429);
    expect((await get({ "x-api-key": b })).status).toBe(200);
    expect((await get({ authorization: `Bearer ${await issueAccessToken(admin.id, new Date())}` })).status).toBe(200);
  });

  it("a gap is more than exactly 5 minutes without a fix; travel keeps fixes of 100.00 m accuracy and drops 100.01 m", async () => {
    const db = ctx.handle.db;
    const rep = await makePerson(db, "rep");
    const t0 = Date.parse("2026-03-02T05:00:00Z");
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    const [s] = await queryRows<{ id: number }>(db, sql`INSERT INTO daily_sessions (personnel_id, session_date, login_time, status) VALUES (${rep.id}, '2026-03-02', ${at(0)}::timestamptz, 'OPEN') RETURNING id`);
    // Pings written here directly: their day partition first (the pings use-case makes its own; ping-partitions.ts).
    await ensurePingPartitions(db, "2026-03-02", "2026-03-02");
    const ping = (sec: number, acc: number, lon: number) =>
      queryRows<{ id: number }>(db, sql`INSERT INTO location_pings (client_id, personnel_id, session_id, coords, accuracy_m, source, captured_at)
        VALUES (gen_random_uuid(), ${rep.id}, ${s!.id}, ST_SetSRID(ST_MakePoint(${lon}, 12.97), 4326)::geography, ${acc}, 'gps', ${at(sec)}::timestamptz) RETURNING id`);
    const [p1] = await ping(300, 5, 77.59); // exactly 5 min after the start: not a gap
    const [p2] = await ping(600, 100, 77.6); // exactly 5 min again, accuracy exactly 100 m: kept
    const [p3] = await ping(901, 100.01, 77.61); // 5 min 1 s: a gap; accuracy 100.01 m: dropped
    const [p4] = await ping(1000, 5, 77.62);
    const { gaps } = await detectSessionGaps(db, s!.id);
    expect(gaps.map((g) => [g.startedAt.toISOString(), g.endedAt.toISOString()])).toEqual([[at(600), at(901)]]);
    const kept = await keptPingIds(db, s!.id);
    expect(kept.has(Number(p1!.id))).toBe(true);
    expect(kept.has(Number(p2!.id))).toBe(true);
    expect(kept.has(Number(p3!.id))).toBe(false);
    expect(kept.has(Number(p4!.id))).toBe(true);
  });
});
