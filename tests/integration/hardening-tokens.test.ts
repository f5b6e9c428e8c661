/**
 * Token lifecycle and idempotency (issue #12 items 9 and 10): JWT claims and lifetime, API keys after a
 * deactivation, TOTP drift pinned at ±1 step and no replay of a used code, CLIENT_ID_REUSED on a
 * different body.
 */
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { SignJWT } from "jose";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as createKeyRoute } from "../../src/app/api/v1/api-keys/route";
import { GET as me } from "../../src/app/api/v1/auth/me/route";
import { PATCH as patchPersonRoute } from "../../src/app/api/v1/personnel/[id]/route";
import { POST as checkInRoute } from "../../src/app/api/v1/visits/check-in/route";
import { createApiKey } from "../../src/server/auth/api-keys/create-api-key";
import { encryptSecret, matchTotpStep, newTotpSecret, TOTP_DRIFT_STEPS, totpCode, totpStep } from "../../src/server/auth/mfa/totp";
import { signIn } from "../../src/server/auth/sign-in";
import { ACCESS_TOKEN_TTL_S } from "../../src/server/auth/tokens";
import { useDbHandle } from "../../src/server/db";
import { personnel } from "../../src/server/db/schema";
import { requireAuthSecret } from "../../src/env";
import type { Actor } from "../../src/server/auth/actor";
import { describeEachDriver } from "../support/db";
import { call, ctxFor, isoAgo, makeLocation, makePerson, uuid } from "../support/visits-world";
import { PASSWORD, makePerson as makeSignInPerson } from "./signin-support";

const secretKey = () => new TextEncoder().encode(requireAuthSecret());
const forge = (claims: { exp?: number; iat?: number; iss?: string; aud?: string; sub?: string }) => {
  const jwt = new SignJWT({}).setProtectedHeader({ alg: "HS256", typ: "JWT" });
  if (claims.sub !== undefined) jwt.setSubject(claims.sub);
  if (claims.iss !== undefined) jwt.setIssuer(claims.iss);
  if (claims.aud !== undefined) jwt.setAudience(claims.aud);
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return jwt.sign(secretKey());
};

describe("TOTP drift (pinned)", () => {
  it("accepts exactly ±1 step of drift, never ±2", async () => {
    expect(TOTP_DRIFT_STEPS).toBe(1);
    const secret = newTotpSecret();
    const now = new Date("2026-03-02T06:00:10Z");
    const step = totpStep(now);
    for (const d of [-1, 0, 1]) expect(await matchTotpStep(secret, await totpCode(secret, new Date((step + d) * 30_000)), now)).toBe(step + d);
    for (const d of [-3, -2, 2, 3]) {
      const code = await totpCode(secret, new Date((step + d) * 30_000));
      // A code of a far step can collide with a near one by chance (1 in 10^6 per candidate): skip that case.
      const near = await Promise.all([-1, 0, 1].map(async (k) => totpCode(secret, new Date((step + k) * 30_000))));
      if (!near.includes(code)) expect(await matchTotpStep(secret, code, now), `drift ${d}`).toBeNull();
    }
  });
});

describeEachDriver("token lifecycle and idempotency", (ctx) => {
  let admin: Actor, manager: Actor, rep: Actor, loc: number;
  beforeAll(async () => {
    useDbHandle(ctx.handle);
    admin = await makePerson(ctx.handle.db, "admin");
    manager = await makePerson(ctx.handle.db, "manager", admin.id);
    rep = await makePerson(ctx.handle.db, "rep", manager.id);
    loc = await makeLocation(ctx.handle.db, 12.9716, 77.5946);
  });
  afterEach(() => useDbHandle(ctx.handle));

  describe("access tokens: exp, iat, issuer, audience and a bounded lifetime are required", () => {
    const now = () => Math.floor(Date.now() / 1000);
    const good = () => ({ sub: String(rep.id), iss: "fieldbeat", aud: "fieldbeat-api", iat: now() - 10, exp: now() + 600 });
    it.each([
      ["no exp (valid forever)", { exp: undefined }],
      ["no iat", { iat: undefined }],
      ["no issuer", { iss: undefined }],
      ["another issuer", { iss: "someone-else" }],
      ["no audience", { aud: undefined }],
      ["another audience", { aud: "other-api" }],
      ["a lifetime longer than configured (1 year)", { exp: Math.floor(Date.now() / 1000) + 365 * 86400 }],
      ["issued in the future", { iat: Math.floor(Date.now() / 1000) + 3600, exp: Math.floor(Date.now() / 1000) + 3700 }],
      ["a non-canonical subject", { sub: "0x1" }],
    ] as const)("refuses a token signed with the real secret but with %s", async (_label, change) => {
      const token = await forge({ ...good(), ...change });
      const r = await me(new Request("http://localhost/api/v1/auth/me", { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({}) });
      expect(r.status).toBe(401);
    });

    it("a token verified once (and remembered) still expires on time, and is not valid before it was issued", async () => {
      const { issueAccessToken, verifyAccessToken } = await import("../../src/server/auth/tokens");
      const issued = new Date();
      const token = await issueAccessToken(rep.id, issued);
      await expect(verifyAccessToken(token, issued)).resolves.toMatchObject({ personnelId: rep.id });
      await expect(verifyAccessToken(token, new Date(issued.getTime() + 14 * 60_000))).resolves.toMatchObject({ personnelId: rep.id });
      await expect(verifyAccessToken(token, new Date(issued.getTime() + 16 * 60_000))).resolves.toBeNull();
      await expect(verifyAccessToken(token, new Date(issued.getTime() - 60_000))).resolves.toBeNull();
      await expect(verifyAccessToken(token, issued)).resolves.toMatchObject({ personnelId: rep.id });
    });

    it("accepts a well-formed token within the lifetime (the forging helper itself is right)", async () => {
      const r = await me(new Request("http://localhost/api/v1/auth/me", { headers: { authorization: `Bearer ${await forge(good())}` } }), { params: Promise.resolve({}) });
      expect(r.status).toBe(200);
      expect(ACCESS_TOKEN_TTL_S).toBe(900);
    });
  });

  it("a deactivated person's API keys stay dead after reactivation", async () => {
    const lead = await makePerson(ctx.handle.db, "manager", admin.id);
    const { key } = await createApiKey(ctxFor(ctx.handle.db, admin), { client_id: uuid(), name: "BI", access: "read", personnel_id: lead.id });
    const asKey = () => me(new Request("http://localhost/api/v1/auth/me", { headers: { "x-api-key": key.secret! } }), { params: Promise.resolve({}) });
    expect((await asKey()).status).toBe(200);
    const patch = (active: boolean) => call(patchPersonRoute, `/api/v1/personnel/${lead.id}`, { as: admin.id, method: "PATCH", params: { id: String(lead.id) }, body: { client_id: uuid(), active } });
    expect((await patch(false)).status).toBe(200);
    expect((await asKey()).status).toBe(401);
    expect((await patch(true)).status).toBe(200);
    expect((await asKey()).status).toBe(401);
  });

  it("a TOTP code is accepted once: replaying it inside its window is refused", async () => {
    const person = await makeSignInPerson(ctx.handle.db, "manager");
    const secret = newTotpSecret();
    const now = new Date();
    await ctx.handle.db.update(personnel).set({ mfaSecret: encryptSecret(secret), mfaEnabledAt: now }).where(eq(personnel.id, person.id));
    const code = await totpCode(secret, now);
    const meta = { ip: "198.51.100.200", userAgent: "vitest" };
    await expect(signIn(ctx.handle.db, { email: person.email, password: PASSWORD, totp: code }, meta, now)).resolves.toMatchObject({ id: person.id });
    await expect(signIn(ctx.handle.db, { email: person.email, password: PASSWORD, totp: code }, meta, new Date(now.getTime() + 5_000))).rejects.toMatchObject({ code: "MFA_INVALID" });
    // The previous step's code (still inside the drift window) is older than the one used: refused too.
    const older = await totpCode(secret, new Date(now.getTime() - 30_000));
    if (older !== code) await expect(signIn(ctx.handle.db, { email: person.email, password: PASSWORD, totp: older }, meta, now)).rejects.toMatchObject({ code: "MFA_INVALID" });
    // The next step's code works once.
    const next = new Date(now.getTime() + 30_000);
    await expect(signIn(ctx.handle.db, { email: person.email, password: PASSWORD, totp: await totpCode(secret, next) }, meta, next)).resolves.toMatchObject({ id: person.id });
  });

  describe("item 10: client_id reused with a different body", () => {
    const body = (clientId: string, lat = 12.9716) => ({ client_id: clientId, location_id: loc, lat, lon: 77.5946, accuracy_m: 8, captured_at: isoAgo(1000) });
    it("is 409 CLIENT_ID_REUSED for a check-in; the same body replays 200", async () => {
      const id = randomUUID();
      const first = body(id);
      expect((await call(checkInRoute, "/api/v1/visits/check-in", { as: rep.id, body: first })).status).toBe(201);
      expect((await call(checkInRoute, "/api/v1/visits/check-in", { as: rep.id, body: first })).status).toBe(200);
      const other = await call(checkInRoute, "/api/v1/visits/check-in", { as: rep.id, body: { ...first, lat: 12.9717 } });
      expect(other.status).toBe(409);
      expect(other.body.error).toMatchObject({ code: "CLIENT_ID_REUSED", field: "client_id" });
    });

    it("is 409 CLIENT_ID_REUSED for an API key with another name", async () => {
      const id = randomUUID();
      expect((await call(createKeyRoute, "/api/v1/api-keys", { as: admin.id, body: { client_id: id, name: "first", access: "read" } })).status).toBe(201);
      expect((await call(createKeyRoute, "/api/v1/api-keys", { as: admin.id, body: { client_id: id, name: "first", access: "read" } })).status).toBe(200);
      const other = await call(createKeyRoute, "/api/v1/api-keys", { as: admin.id, body: { client_id: id, name: "second", access: "read" } });
      expect(other.status).toBe(409);
      expect(other.body.error.code).toBe("CLIENT_ID_REUSED");
    });
  });
});
