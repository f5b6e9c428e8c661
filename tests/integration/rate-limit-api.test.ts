import { afterEach, beforeAll, expect, it } from "vitest";
import { POST as login } from "../../src/app/api/v1/auth/login/route";
import { GET as me } from "../../src/app/api/v1/auth/me/route";
import { setApiRateLimitForTests, SIGN_IN_POLICY } from "../../src/server/auth/rate-limit";
import { issueAccessToken } from "../../src/server/auth/tokens";
import { useDbHandle } from "../../src/server/db";
import { describeEachDriver } from "../support/db";
import { bearer, call, emailOf, makePeople, PASSWORD, type People } from "./api-auth-support";

describeEachDriver("rate limits on /api/v1", (ctx) => {
  let people: People;
  beforeAll(async () => {
    people = await makePeople(ctx.handle.db);
  });
  afterEach(() => {
    useDbHandle(undefined);
    setApiRateLimitForTests(undefined);
  });

  it("answers 429 with Retry-After once a user's budget is spent; other users keep theirs", async () => {
    useDbHandle(ctx.handle);
    setApiRateLimitForTests(5);
    const token = await issueAccessToken(people.rep, new Date());
    for (let i = 0; i < 5; i++) {
      const r = await call(me, "/api/v1/auth/me", { headers: bearer(token) });
      expect(r.status).toBe(200);
      expect(r.headers.get("x-ratelimit-limit")).toBe("5");
      expect(r.headers.get("x-ratelimit-remaining")).toBe(String(4 - i));
    }
    const limited = await call(me, "/api/v1/auth/me", { headers: bearer(token) });
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe("RATE_LIMITED");
    const retry = Number(limited.headers.get("retry-after"));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(limited.json.error.retry_after_s).toBe(retry);
    expect(limited.headers.get("cache-control")).toBe("no-store");
    const other = await issueAccessToken(people.other, new Date());
    expect((await call(me, "/api/v1/auth/me", { headers: bearer(other) })).status).toBe(200);
  });

  it("limits anonymous callers per IP, including public auth routes and failed credentials", async () => {
    useDbHandle(ctx.handle);
    setApiRateLimitForTests(3);
    const ip = { "x-forwarded-for": "203.0.113.50, 10.0.0.1" };
    for (let i = 0; i < 3; i++) expect((await call(me, "/api/v1/auth/me", { headers: { ...ip, authorization: "Bearer junk" } })).status).toBe(401);
    const blocked = await call(login, "/api/v1/auth/login", { headers: ip, json: { email: emailOf(people, "rep"), password: PASSWORD } });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toMatch(/^\d+$/);
    const elsewhere = await call(login, "/api/v1/auth/login", { headers: { "x-forwarded-for": "203.0.113.51" }, json: { email: emailOf(people, "rep"), password: PASSWORD } });
    expect(elsewhere.status).toBe(200);
  });

  it("locks an account from the guessing IP after repeated wrong passwords, even for the right password; not from elsewhere (growth: rate-limit.test.ts)", async () => {
    useDbHandle(ctx.handle);
    const email = emailOf(people, "manager");
    const attempt = (password: string, n: number) => call(login, "/api/v1/auth/login", { headers: { "x-forwarded-for": `192.0.2.${n}` }, json: { email, password } });
    for (let i = 0; i < SIGN_IN_POLICY.account.free; i++) expect((await attempt("wrong-password", 7)).status).toBe(401);
    expect((await attempt(PASSWORD, 100)).status).toBe(200);
    const locked = await attempt(PASSWORD, 7);
    expect(locked.status).toBe(429);
    const wait = Number(locked.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(SIGN_IN_POLICY.account.baseLockS - 3);
    expect(wait).toBeLessThanOrEqual(SIGN_IN_POLICY.account.baseLockS);
  });
});
