import { and, eq } from "drizzle-orm";
import { afterEach, beforeAll, expect, it } from "vitest";
import { POST as login } from "../../src/app/api/v1/auth/login/route";
import { POST as logout } from "../../src/app/api/v1/auth/logout/route";
import { GET as me } from "../../src/app/api/v1/auth/me/route";
import { POST as refresh } from "../../src/app/api/v1/auth/refresh/route";
import { POST as createKey } from "../../src/app/api/v1/api-keys/route";
import { issueAccessToken } from "../../src/server/auth/tokens";
import { useDbHandle } from "../../src/server/db";
import { auditLog, orgSettings, personnel, refreshTokens } from "../../src/server/db/schema";
import { describeEachDriver } from "../support/db";
import { bearer, call, emailOf, makePeople, PASSWORD, sessionCookie, type People } from "./api-auth-support";

describeEachDriver("API auth: login, tokens, refresh, logout, CSRF", (ctx) => {
  let people: People;
  beforeAll(async () => {
    people = await makePeople(ctx.handle.db);
  });
  afterEach(() => useDbHandle(undefined));

  const signIn = async (who: "admin" | "manager" | "rep" | "other" = "rep") => {
    const r = await call(login, "/api/v1/auth/login", { json: { email: emailOf(people, who), password: PASSWORD } });
    expect(r.status).toBe(200);
    return r.json as { access_token: string; refresh_token: string };
  };

  it("logs in, then the access token reaches an authenticated route; API answers are never cached", async () => {
    useDbHandle(ctx.handle);
    const r = await call(login, "/api/v1/auth/login", { json: { email: emailOf(people, "rep").toUpperCase(), password: PASSWORD } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ token_type: "Bearer", expires_in: 900, user: { id: people.rep, role: "rep", email: emailOf(people, "rep") } });
    expect(r.json.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.headers.get("cache-control")).toBe("no-store");
    const m = await call(me, "/api/v1/auth/me", { headers: bearer(r.json.access_token) });
    expect(m.status).toBe(200);
    expect(m.json).toMatchObject({ id: people.rep, via: "access_token", read_only: false });
    expect(m.headers.get("cache-control")).toBe("no-store");
    expect(m.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Number(m.headers.get("x-ratelimit-limit"))).toBeGreaterThan(0);
    // Only the hash of the refresh token is stored.
    const rows = await ctx.handle.db.select().from(refreshTokens).where(eq(refreshTokens.personnelId, people.rep));
    expect(rows.some((t) => t.tokenHash === r.json.refresh_token)).toBe(false);
    expect(rows.every((t) => /^[0-9a-f]{64}$/.test(t.tokenHash))).toBe(true);
  });

  it("answers a wrong password and an unknown email the same way", async () => {
    useDbHandle(ctx.handle);
    const wrong = await call(login, "/api/v1/auth/login", { json: { email: emailOf(people, "other"), password: "nope-nope" }, headers: { "x-forwarded-for": "198.51.100.1" } });
    const unknown = await call(login, "/api/v1/auth/login", { json: { email: `ghost-${people.tag}@auth.test`, password: "nope-nope" }, headers: { "x-forwarded-for": "198.51.100.1" } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json).toEqual(unknown.json);
  });

  it("rejects malformed bodies with 400 and the field, other content types with 415", async () => {
    useDbHandle(ctx.handle);
    const missing = await call(login, "/api/v1/auth/login", { json: { password: PASSWORD } });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toMatchObject({ code: "VALIDATION_FAILED", field: "email" });
    const extra = await call(login, "/api/v1/auth/login", { json: { email: "a@b.test", password: "x", admin: true } });
    expect(extra.status).toBe(400);
    const broken = await call(login, "/api/v1/auth/login", { body: "{not json", headers: { "content-type": "application/json" } });
    expect(broken.status).toBe(400);
    expect(broken.json.error.code).toBe("INVALID_JSON");
    const form = await call(login, "/api/v1/auth/login", { body: "email=a&password=b", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(form.status).toBe(415);
    const badRefresh = await call(refresh, "/api/v1/auth/refresh", { json: { refresh_token: 42 } });
    expect(badRefresh.status).toBe(400);
    expect(badRefresh.json.error.field).toBe("refresh_token");
  });

  it("refuses expired, tampered and foreign access tokens with 401", async () => {
    useDbHandle(ctx.handle);
    const expired = await issueAccessToken(people.rep, new Date(Date.now() - 16 * 60_000));
    expect((await call(me, "/api/v1/auth/me", { headers: bearer(expired) })).status).toBe(401);
    const { access_token } = await signIn();
    const [h, p, s] = access_token.split(".");
    const forged = JSON.parse(Buffer.from(p!, "base64url").toString());
    forged.sub = String(people.admin);
    const tampered = `${h}.${Buffer.from(JSON.stringify(forged)).toString("base64url")}.${s}`;
    const r = await call(me, "/api/v1/auth/me", { headers: bearer(tampered) });
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe("UNAUTHENTICATED");
    expect((await call(me, "/api/v1/auth/me", { headers: { authorization: "Basic abc" } })).status).toBe(401);
    expect((await call(me, "/api/v1/auth/me")).status).toBe(401);
  });

  it("rotates refresh tokens; reusing a rotated one revokes the whole family, the newest included", async () => {
    useDbHandle(ctx.handle);
    const first = await signIn();
    const second = await call(refresh, "/api/v1/auth/refresh", { json: { refresh_token: first.refresh_token } });
    expect(second.status).toBe(200);
    expect(second.json.refresh_token).not.toBe(first.refresh_token);
    expect((await call(me, "/api/v1/auth/me", { headers: bearer(second.json.access_token) })).status).toBe(200);
    const third = await call(refresh, "/api/v1/auth/refresh", { json: { refresh_token: second.json.refresh_token } });
    expect(third.status).toBe(200);

    const reuse = await call(refresh, "/api/v1/auth/refresh", { json: { refresh_token: first.refresh_token } });
    expect(reuse.status).toBe(401);
    expect(reuse.json.error.code).toBe("REFRESH_TOKEN_REUSED");
    const newest = await call(refresh, "/api/v1/auth/refresh", { json: { refresh_token: third.json.refresh_token } });
    expect(newest.status).toBe(401);

    const family = await ctx.handle.db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, (await import("../../src/server/auth/refresh-tokens")).sha256(third.json.refresh_token)));
    expect(family[0]).toMatchObject({ revokedReason: "reuse_detected" });
    const audits = await ctx.handle.db.select().from(auditLog).where(and(eq(auditLog.action, "auth.token_reuse_detected"), eq(auditLog.targetPersonnelId, people.rep)));
    expect(audits.length).toBe(1);
    // Another sign-in of the same person (another family) is unaffected.
    const other = await signIn();
    expect((await call(refresh, "/api/v1/auth/refresh", { json: { refresh_token: other.refresh_token } })).status).toBe(200);
    expect((await call(refresh, "/api/v1/auth/refresh", { json: { refresh_token: "x".repeat(43) } })).status).toBe(401);
  });

  it("logs out by revoking the family, idempotently", async () => {
    useDbHandle(ctx.handle);
    const t = await signIn();
    const r1 = await call(logout, "/api/v1/auth/logout", { json: { refresh_token: t.refresh_token } });
    expect(r1.status).toBe(200);
    expect(r1.json.revoked).toBe(1);
    expect((await call(refresh, "/api/v1/auth/refresh", { json: { refresh_token: t.refresh_token } })).status).toBe(401);
    const r2 = await call(logout, "/api/v1/auth/logout", { json: { refresh_token: t.refresh_token } });
    expect(r2.status).toBe(200);
    expect(r2.json.revoked).toBe(0);
  });

  it("cuts a deactivated person's access token and refresh token at the next request", async () => {
    useDbHandle(ctx.handle);
    const t = await signIn("other");
    expect((await call(me, "/api/v1/auth/me", { headers: bearer(t.access_token) })).status).toBe(200);
    await ctx.handle.db.update(personnel).set({ active: false }).where(eq(personnel.id, people.other));
    try {
      expect((await call(me, "/api/v1/auth/me", { headers: bearer(t.access_token) })).status).toBe(401);
      expect((await call(refresh, "/api/v1/auth/refresh", { json: { refresh_token: t.refresh_token } })).status).toBe(401);
      expect((await call(me, "/api/v1/auth/me", { headers: await sessionCookie(people.other) })).status).toBe(401);
    } finally {
      await ctx.handle.db.update(personnel).set({ active: true }).where(eq(personnel.id, people.other));
    }
  });

  it("refuses tokens issued before tokens_valid_after (password reset, sign out everywhere)", async () => {
    useDbHandle(ctx.handle);
    const t = await signIn("manager");
    await new Promise((r) => setTimeout(r, 5));
    await ctx.handle.db.update(personnel).set({ tokensValidAfter: new Date() }).where(eq(personnel.id, people.manager));
    expect((await call(me, "/api/v1/auth/me", { headers: bearer(t.access_token) })).status).toBe(401);
    expect((await call(refresh, "/api/v1/auth/refresh", { json: { refresh_token: t.refresh_token } })).status).toBe(401);
    // A sign-in after the reset works, even within the same second.
    const fresh = await signIn("manager");
    expect((await call(me, "/api/v1/auth/me", { headers: bearer(fresh.access_token) })).status).toBe(200);
  });

  it("authenticates the session cookie, and checks Origin on cookie mutations only", async () => {
    useDbHandle(ctx.handle);
    const cookie = await sessionCookie(people.admin);
    const m = await call(me, "/api/v1/auth/me", { headers: cookie });
    expect(m.status).toBe(200);
    expect(m.json).toMatchObject({ id: people.admin, via: "session" });
    const body = (name: string) => ({ client_id: crypto.randomUUID(), name });
    const noOrigin = await call(createKey, "/api/v1/api-keys", { headers: cookie, json: body("no origin") });
    expect(noOrigin.status).toBe(403);
    expect(noOrigin.json.error.code).toBe("CSRF_ORIGIN_MISMATCH");
    const evil = await call(createKey, "/api/v1/api-keys", { headers: { ...cookie, origin: "https://evil.example" }, json: body("evil") });
    expect(evil.status).toBe(403);
    expect(evil.json.error.code).toBe("CSRF_ORIGIN_MISMATCH");
    const lookalike = await call(createKey, "/api/v1/api-keys", { headers: { ...cookie, origin: "http://localhost.evil.example" }, json: body("lookalike") });
    expect(lookalike.status).toBe(403);
    const same = await call(createKey, "/api/v1/api-keys", { headers: { ...cookie, origin: "http://localhost" }, json: body("same origin") });
    expect(same.status).toBe(201);
    // A bearer token needs no Origin: browsers never attach it on their own.
    const { access_token } = await signIn("admin");
    expect((await call(createKey, "/api/v1/api-keys", { headers: bearer(access_token), json: body("bearer") })).status).toBe(201);
  });

  it("refuses API tokens to a manager who must still enrol in MFA (org setting), without spending their refresh token", async () => {
    useDbHandle(ctx.handle);
    const fresh = await makePeople(ctx.handle.db);
    const ok = await call(login, "/api/v1/auth/login", { json: { email: emailOf(fresh, "manager"), password: PASSWORD } });
    expect(ok.status).toBe(200);
    await ctx.handle.db.insert(orgSettings).values({ id: 1, requireManagerMfa: true }).onConflictDoUpdate({ target: orgSettings.id, set: { requireManagerMfa: true } });
    try {
      const refused = await call(login, "/api/v1/auth/login", { json: { email: emailOf(fresh, "manager"), password: PASSWORD } });
      expect(refused.status).toBe(403);
      expect(refused.json.error.code).toBe("MFA_ENROLMENT_REQUIRED");
      expect((await call(refresh, "/api/v1/auth/refresh", { json: { refresh_token: ok.json.refresh_token } })).status).toBe(403);
      // Reps are not concerned.
      expect((await call(login, "/api/v1/auth/login", { json: { email: emailOf(fresh, "rep"), password: PASSWORD } })).status).toBe(200);
    } finally {
      await ctx.handle.db.update(orgSettings).set({ requireManagerMfa: false });
    }
    // The refused refresh did not spend the token (no reuse alarm).
    expect((await call(refresh, "/api/v1/auth/refresh", { json: { refresh_token: ok.json.refresh_token } })).status).toBe(200);
  });

  it("two concurrent refreshes of one token: one wins, the other is treated as reuse and ends the family", async () => {
    useDbHandle(ctx.handle);
    const t = await signIn();
    const both = await Promise.all([0, 1].map(() => call(refresh, "/api/v1/auth/refresh", { json: { refresh_token: t.refresh_token } })));
    expect(both.map((r) => r.status).sort()).toEqual([200, 401]);
    const winner = both.find((r) => r.status === 200)!;
    expect((await call(refresh, "/api/v1/auth/refresh", { json: { refresh_token: winner.json.refresh_token } })).status).toBe(401);
  });
});
