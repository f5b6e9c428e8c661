/** The README's curl walk-through, step by step, against the demo data (both drivers). */
import path from "node:path";
import { afterEach, beforeAll, expect, it } from "vitest";
import { seedDemoData } from "../../db/seed";
import { POST as createKey } from "../../src/app/api/v1/api-keys/route";
import { POST as login } from "../../src/app/api/v1/auth/login/route";
import { POST as logout } from "../../src/app/api/v1/auth/logout/route";
import { GET as me } from "../../src/app/api/v1/auth/me/route";
import { POST as refresh } from "../../src/app/api/v1/auth/refresh/route";
import { GET as listVisits } from "../../src/app/api/v1/visits/route";
import { useDbHandle } from "../../src/server/db";
import { describeEachDriver } from "../support/db";
import { bearer, call } from "./api-auth-support";

const FIXTURES = path.resolve(process.env.FIXTURES_DIR ?? path.join(__dirname, "../../../shared/fixtures"));
const DEMO_PASSWORD = "fieldbeat-demo";

describeEachDriver("README API walk-through on the demo data", (ctx) => {
  beforeAll(async () => {
    await seedDemoData(ctx.handle.db, { now: new Date(), password: DEMO_PASSWORD, fixturesDir: FIXTURES });
  });
  afterEach(() => useDbHandle(undefined));

  it("rep: login → call an endpoint → refresh → logout", async () => {
    useDbHandle(ctx.handle);
    const t = await call(login, "/api/v1/auth/login", { json: { email: "rep01@fieldbeat.test", password: DEMO_PASSWORD } });
    expect(t.status).toBe(200);
    expect(t.json.user).toMatchObject({ email: "rep01@fieldbeat.test", role: "rep" });
    const visits = await call(listVisits, "/api/v1/visits", { headers: bearer(t.json.access_token) });
    expect(visits.status).toBe(200);
    const r = await call(refresh, "/api/v1/auth/refresh", { json: { refresh_token: t.json.refresh_token } });
    expect(r.status).toBe(200);
    expect((await call(me, "/api/v1/auth/me", { headers: bearer(r.json.access_token) })).json).toMatchObject({ email: "rep01@fieldbeat.test" });
    expect((await call(logout, "/api/v1/auth/logout", { json: { refresh_token: r.json.refresh_token } })).json).toEqual({ revoked: 2 });
    expect((await call(refresh, "/api/v1/auth/refresh", { json: { refresh_token: r.json.refresh_token } })).status).toBe(401);
  });

  it("admin: create a read-only key acting as manager1, use it with X-API-Key", async () => {
    useDbHandle(ctx.handle);
    const t = await call(login, "/api/v1/auth/login", { json: { email: "admin@fieldbeat.test", password: DEMO_PASSWORD } });
    expect(t.status).toBe(200);
    const m1 = await call(login, "/api/v1/auth/login", { json: { email: "manager1@fieldbeat.test", password: DEMO_PASSWORD } });
    expect(m1.status).toBe(200);
    const key = await call(createKey, "/api/v1/api-keys", {
      headers: bearer(t.json.access_token),
      json: { client_id: "6f1c2a8e-3b7d-4c59-9e0a-1d2b3c4d5e6f", name: "BI export", access: "read", personnel_id: m1.json.user.id },
    });
    expect(key.status).toBe(201);
    const visits = await call(listVisits, "/api/v1/visits", { headers: { "x-api-key": key.json.secret } });
    expect(visits.status).toBe(200);
    const who = await call(me, "/api/v1/auth/me", { headers: { "x-api-key": key.json.secret } });
    expect(who.json).toMatchObject({ email: "manager1@fieldbeat.test", via: "api_key", read_only: true });
  });
});
