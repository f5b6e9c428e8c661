/**
 * Trust boundaries (issue #12 items 2, 3, 9-CSRF): forwarded headers count only from configured proxies
 * (TRUST_PROXY_HOPS), for rate limits, sign-in locks, audit IPs and the CSRF host; and the sign-in lock
 * policy of docs/decisions/0010-trust-boundaries.md, each case at its exact threshold.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as login } from "../../src/app/api/v1/auth/login/route";
import { GET as me } from "../../src/app/api/v1/auth/me/route";
import { POST as startSession } from "../../src/app/api/v1/sessions/start/route";
import { assertSignInAllowed, lockSeconds, recordSignInFailure, setApiRateLimitForTests, SIGN_IN_POLICY } from "../../src/server/auth/rate-limit";
import { hashPassword } from "../../src/server/auth/password";
import { queryRows, useDbHandle } from "../../src/server/db";
import { dailySessions, personnel } from "../../src/server/db/schema";
import { ACCOUNT_HEADER } from "../../src/lib/api/client";
import { setTrustForTests } from "../../src/server/http/trust";
import { DOOR_MARK, PEER_HEADER } from "../../scripts/door.mjs";
import { POST as refresh } from "../../src/app/api/v1/auth/refresh/route";
import { describeEachDriver } from "../support/db";
import { call, emailOf, makePeople, PASSWORD, sessionCookie, type People } from "./api-auth-support";

const NO_PROXY = { proxyHops: 0, publicUrl: undefined };
const ONE_PROXY = { proxyHops: 1, publicUrl: undefined };
let n = 0;
const rotating = () => ({ "x-forwarded-for": `198.18.${Math.floor(++n / 250)}.${n % 250}` });
// The production server's door in this process (scripts/door.mjs sets the mark, and the peer header on every request).
const openDoor = () => void ((globalThis as Record<symbol, unknown>)[DOOR_MARK] = { peerHeader: PEER_HEADER });
const closeDoor = () => void delete (globalThis as Record<symbol, unknown>)[DOOR_MARK];
const fromSocket = (ip: string) => ({ [PEER_HEADER]: ip });

describe("lock policy constants (pinned)", () => {
  it("locks the 5th failure of a pair for 30 s, the 20th of an IP for 60 s, doubling, capped at exactly 1 h", () => {
    expect(SIGN_IN_POLICY.account).toEqual({ free: 5, baseLockS: 30 });
    expect(SIGN_IN_POLICY.ip).toEqual({ free: 20, baseLockS: 60 });
    expect([4, 5, 6, 7].map((k) => lockSeconds(k, SIGN_IN_POLICY.account))).toEqual([0, 30, 60, 120]);
    expect([19, 20, 21].map((k) => lockSeconds(k, SIGN_IN_POLICY.ip))).toEqual([0, 60, 120]);
    // 30 · 2^7 = 3840 > 3600: the cap is exactly one hour, also for absurd counts.
    expect(lockSeconds(12, SIGN_IN_POLICY.account)).toBe(3600);
    expect(lockSeconds(11, SIGN_IN_POLICY.account)).toBe(1920);
    expect(lockSeconds(10_000, SIGN_IN_POLICY.ip)).toBe(3600);
    expect(SIGN_IN_POLICY.windowS).toBe(900);
    expect(SIGN_IN_POLICY.accountPerHour).toBe(100);
  });
});

describeEachDriver("trust boundaries", (ctx) => {
  let people: People;
  const victims: string[] = [];
  beforeAll(async () => {
    people = await makePeople(ctx.handle.db);
    const passwordHash = await hashPassword(PASSWORD);
    for (let i = 0; i < 30; i++) {
      const email = `spray-${i}-${people.tag}@auth.test`;
      await ctx.handle.db.insert(personnel).values({ name: `Spray ${i}`, email, role: "rep", passwordHash, managerId: people.manager });
      victims.push(email);
    }
  });
  afterEach(() => {
    useDbHandle(undefined);
    setApiRateLimitForTests(undefined);
    setTrustForTests(undefined);
    closeDoor();
  });

  describe("item 2: X-Forwarded-For from anyone is not an identity", () => {
    it("without a trusted proxy, rotating X-Forwarded-For does not escape the anonymous limit of the socket's address (the door)", async () => {
      useDbHandle(ctx.handle);
      setTrustForTests(NO_PROXY);
      openDoor();
      setApiRateLimitForTests(3);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await call(me, "/api/v1/auth/me", { headers: { ...rotating(), ...fromSocket("203.0.113.31"), authorization: "Bearer junk" } })).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      // Another socket has its own budget.
      expect((await call(me, "/api/v1/auth/me", { headers: { ...fromSocket("203.0.113.32"), authorization: "Bearer junk" } })).status).toBe(401);
    });

    it("behind one proxy, only the entry the proxy appended counts; what the client prepends is ignored", async () => {
      useDbHandle(ctx.handle);
      setTrustForTests(ONE_PROXY);
      setApiRateLimitForTests(3);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await call(me, "/api/v1/auth/me", { headers: { "x-forwarded-for": `10.9.${i}.1, 203.0.113.77`, authorization: "Bearer junk" } })).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      // Another real client (another proxy-appended address) has its own budget.
      expect((await call(me, "/api/v1/auth/me", { headers: { "x-forwarded-for": "203.0.113.78", authorization: "Bearer junk" } })).status).toBe(401);
    });

    it("the audit log's IP follows the same rule", async () => {
      useDbHandle(ctx.handle);
      const ua = `ua-${randomUUID()}`;
      setTrustForTests(NO_PROXY);
      await call(login, "/api/v1/auth/login", { headers: { "x-forwarded-for": "6.6.6.6", "user-agent": ua + "-a" }, json: { email: emailOf(people, "admin"), password: PASSWORD } });
      setTrustForTests(ONE_PROXY);
      await call(login, "/api/v1/auth/login", { headers: { "x-forwarded-for": "6.6.6.6, 203.0.113.5", "user-agent": ua + "-b" }, json: { email: emailOf(people, "admin"), password: PASSWORD } });
      const rows = await queryRows<{ ip: string | null; user_agent: string }>(ctx.handle.db, sql`SELECT ip, user_agent FROM audit_log WHERE user_agent LIKE ${ua + "%"} ORDER BY user_agent`);
      expect(rows).toEqual([
        { ip: null, user_agent: ua + "-a" },
        { ip: "203.0.113.5", user_agent: ua + "-b" },
      ]);
    });

    for (const [label, trust, headers] of [
      ["without a proxy, through the door (rotating X-Forwarded-For)", NO_PROXY, () => ({ ...rotating(), ...fromSocket("203.0.113.33") })],
      ["behind one proxy (rotating the client's own prefix)", ONE_PROXY, () => ({ "x-forwarded-for": `${rotating()["x-forwarded-for"]}, 203.0.113.90` })],
    ] as const) {
      it(`a 30-account password spray from one client is locked at the 20th failure ${label}`, async () => {
        useDbHandle(ctx.handle);
        setTrustForTests(trust);
        openDoor();
        const statuses: number[] = [];
        for (const email of victims) statuses.push((await call(login, "/api/v1/auth/login", { headers: headers(), json: { email, password: "wrong-guess-1" } })).status);
        expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
        expect(statuses.slice(20)).toEqual(Array(10).fill(429));
      });
    }
  });

  describe("issue #17 item 0: an unknown address (no door, no trusted proxy) is no shared bucket anyone can lock", () => {
    it("150 anonymous requests do not make anyone's sign-in or refresh answer 429", async () => {
      useDbHandle(ctx.handle);
      setTrustForTests(NO_PROXY);
      setApiRateLimitForTests(100);
      for (let i = 0; i < 150; i++) expect((await call(me, "/api/v1/auth/me", { headers: { ...rotating(), authorization: "Bearer junk" } })).status).toBe(401);
      const signedIn = await call(login, "/api/v1/auth/login", { json: { email: emailOf(people, "other"), password: PASSWORD } });
      expect(signedIn.status).toBe(200);
      const refreshed = await call(refresh, "/api/v1/auth/refresh", { json: { refresh_token: signedIn.json.refresh_token } });
      expect(refreshed.status).toBe(200);
    });

    it("a 30-account password spray does not lock the admin out (who has not signed in from anywhere before)", async () => {
      useDbHandle(ctx.handle);
      setTrustForTests(NO_PROXY);
      const admin = `admin-never-${people.tag}@auth.test`;
      await ctx.handle.db.insert(personnel).values({ name: "New Admin", email: admin, role: "admin", passwordHash: await hashPassword(PASSWORD) });
      for (const email of victims) expect((await call(login, "/api/v1/auth/login", { headers: rotating(), json: { email, password: "wrong-guess-2" } })).status).toBe(401);
      expect((await call(login, "/api/v1/auth/login", { json: { email: admin, password: PASSWORD } })).status).toBe(200);
      // The per-account limits still hold: the 5th wrong password of one account locks that account.
      const target = victims[0]!;
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await call(login, "/api/v1/auth/login", { json: { email: target, password: "wrong-guess-3" } })).status);
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
      expect(statuses[4]).toBe(429);
    });
  });

  describe("item 3: sign-in locks", () => {
    const attempt = (email: string, password: string, ip: string) => call(login, "/api/v1/auth/login", { headers: { "x-forwarded-for": ip }, json: { email, password } });

    it("a success resets the account+IP streak: 4 failures, a success, 4 more failures still let the owner in", async () => {
      useDbHandle(ctx.handle);
      setTrustForTests(ONE_PROXY);
      const email = emailOf(people, "other");
      for (let i = 0; i < 4; i++) expect((await attempt(email, "typo-typo", "198.51.100.40")).status).toBe(401);
      expect((await attempt(email, PASSWORD, "198.51.100.40")).status).toBe(200);
      for (let i = 0; i < 4; i++) expect((await attempt(email, "typo-typo", "198.51.100.40")).status).toBe(401);
      expect((await attempt(email, PASSWORD, "198.51.100.40")).status).toBe(200);
    });

    it("an IP locked by a spray still lets people who signed in from it before (the admin included) sign in; newcomers wait", async () => {
      useDbHandle(ctx.handle);
      setTrustForTests(ONE_PROXY);
      const office = "198.51.100.60";
      expect((await attempt(emailOf(people, "admin"), PASSWORD, office)).status).toBe(200);
      // 19 failures: not yet locked (the lock is at the 20th exactly).
      for (let i = 0; i < 19; i++) expect((await attempt(victims[i]!, "nope-nope", office)).status).toBe(401);
      expect((await attempt(emailOf(people, "rep"), PASSWORD, office)).status).toBe(200);
      expect((await attempt(victims[19]!, "nope-nope", office)).status).toBe(401);
      const locked = await attempt(emailOf(people, "manager"), PASSWORD, office);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(SIGN_IN_POLICY.ip.baseLockS - 3);
      expect(Number(locked.headers.get("retry-after"))).toBeLessThanOrEqual(SIGN_IN_POLICY.ip.baseLockS);
      expect((await attempt(emailOf(people, "admin"), PASSWORD, office)).status).toBe(200);
      expect((await attempt(emailOf(people, "rep"), PASSWORD, office)).status).toBe(200);
    });

    it("one account takes at most 100 failures an hour from anywhere, then is refused until the hour ends", async () => {
      useDbHandle(ctx.handle);
      const email = `distributed-${randomUUID()}@example.com`;
      for (let i = 0; i < 99; i++) await recordSignInFailure(email, `100.64.${Math.floor(i / 200)}.${i % 200}`);
      await expect(assertSignInAllowed(email, "100.65.0.1")).resolves.toBeUndefined();
      await recordSignInFailure(email, "100.64.9.9");
      await expect(assertSignInAllowed(email, "100.65.0.1")).rejects.toMatchObject({ status: 429 });
    });
  });

  describe("a request that names its account (the phone's queue) goes only with that account's credential", () => {
    const sessionsOf = async (...ids: number[]) =>
      (await queryRows<{ n: number }>(ctx.handle.db, sql`SELECT count(*)::int AS n FROM ${dailySessions} WHERE ${dailySessions.personnelId} IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`))[0]!.n;

    it("another person's cookie or token with the owner named: 401 ACCOUNT_MISMATCH and nothing written; the owner's own passes", async () => {
      useDbHandle(ctx.handle);
      setTrustForTests(NO_PROXY);
      const people = await makePeople(ctx.handle.db); // their own, so no other test's day is counted
      const start = (headers: Record<string, string>) => call(startSession, "/api/v1/sessions/start", { headers: { origin: "http://localhost", ...headers }, json: { client_id: randomUUID() } });
      const asCookie = await start({ ...(await sessionCookie(people.other)), [ACCOUNT_HEADER]: String(people.rep) });
      expect(asCookie.status).toBe(401);
      expect(asCookie.json.error.code).toBe("ACCOUNT_MISMATCH");
      const tokens = await call(login, "/api/v1/auth/login", { json: { email: emailOf(people, "other"), password: PASSWORD } });
      expect(tokens.status).toBe(200);
      const asToken = await start({ authorization: `Bearer ${tokens.json.access_token}`, [ACCOUNT_HEADER]: String(people.rep) });
      expect(asToken.status).toBe(401);
      expect(asToken.json.error.code).toBe("ACCOUNT_MISMATCH");
      // Not a number at all: refused the same way (the header is an exact personnel id).
      expect((await start({ ...(await sessionCookie(people.rep)), [ACCOUNT_HEADER]: `${people.rep}x` })).json.error?.code).toBe("ACCOUNT_MISMATCH");
      expect(await sessionsOf(people.rep, people.other)).toBe(0);
      // Reads too: the cached plan of one person is never filled with another's.
      const read = await call(me, "/api/v1/auth/me", { headers: { ...(await sessionCookie(people.other)), [ACCOUNT_HEADER]: String(people.rep) } });
      expect(read.status).toBe(401);
      expect(read.json.error.code).toBe("ACCOUNT_MISMATCH");
      // The owner's own credential with their id named, and any credential without the header, work as before.
      const own = await start({ ...(await sessionCookie(people.rep)), [ACCOUNT_HEADER]: ` ${people.rep} ` });
      expect(own.status).toBe(201);
      expect(own.json.session.personnel_id).toBe(people.rep);
      expect(await sessionsOf(people.rep)).toBe(1);
      expect(await sessionsOf(people.other)).toBe(0);
      expect((await call(me, "/api/v1/auth/me", { headers: await sessionCookie(people.other) })).status).toBe(200);
    });
  });

  describe("item 9: CSRF compares Origin with the configured public URL", () => {
    const post = async (headers: Record<string, string>) =>
      call(startSession, "/api/v1/sessions/start", { headers: { ...(await sessionCookie(people.rep)), ...headers }, json: { client_id: randomUUID() } });

    it("with AUTH_URL set, a foreign Origin is refused even when Host and X-Forwarded-Host are set to match", async () => {
      useDbHandle(ctx.handle);
      for (const proxyHops of [0, 1]) {
        setTrustForTests({ proxyHops, publicUrl: "https://fieldbeat.example.com" });
        const r = await post({ origin: "https://evil.example", host: "evil.example", "x-forwarded-host": "evil.example" });
        expect(r.status).toBe(403);
        expect(r.json.error.code).toBe("CSRF_ORIGIN_MISMATCH");
      }
      expect((await post({ origin: "https://fieldbeat.example.com", host: "evil.example" })).status).toBeLessThan(300);
    });

    it("without AUTH_URL, X-Forwarded-Host counts only from a trusted proxy", async () => {
      useDbHandle(ctx.handle);
      setTrustForTests(NO_PROXY);
      expect((await post({ origin: "https://evil.example", "x-forwarded-host": "evil.example" })).status).toBe(403);
      expect((await post({ origin: "http://localhost" })).status).toBeLessThan(300);
      setTrustForTests(ONE_PROXY);
      expect((await post({ origin: "https://app.example", "x-forwarded-host": "app.example" })).status).toBeLessThan(300);
      expect((await post({ origin: "http://localhost", "x-forwarded-host": "app.example" })).status).toBe(403);
    });
  });
});
