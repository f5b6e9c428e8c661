import { and, eq } from "drizzle-orm";
import { afterEach, beforeAll, expect, it } from "vitest";
import { DELETE as revokeKey } from "../../src/app/api/v1/api-keys/[id]/route";
import { GET as listKeys, POST as createKey } from "../../src/app/api/v1/api-keys/route";
import { POST as login } from "../../src/app/api/v1/auth/login/route";
import { GET as me } from "../../src/app/api/v1/auth/me/route";
import { useDbHandle } from "../../src/server/db";
import { apiKeys, auditLog, personnel } from "../../src/server/db/schema";
import { describeEachDriver } from "../support/db";
import { bearer, call, emailOf, makePeople, PASSWORD, type People } from "./api-auth-support";

describeEachDriver("API keys", (ctx) => {
  let people: People;
  let adminToken: string;
  beforeAll(async () => {
    people = await makePeople(ctx.handle.db);
    useDbHandle(ctx.handle);
    const r = await call(login, "/api/v1/auth/login", { json: { email: emailOf(people, "admin"), password: PASSWORD } });
    adminToken = r.json.access_token;
    useDbHandle(undefined);
  });
  afterEach(() => useDbHandle(undefined));

  const create = (body: Record<string, unknown>, headers: Record<string, string> = bearer(adminToken)) =>
    call(createKey, "/api/v1/api-keys", { headers, json: { client_id: crypto.randomUUID(), name: "integration", ...body } });

  it("shows the secret once, stores only its hash, and a replay returns the metadata without it", async () => {
    useDbHandle(ctx.handle);
    const clientId = crypto.randomUUID();
    const first = await create({ client_id: clientId, name: "BI export", access: "read" });
    expect(first.status).toBe(201);
    expect(first.json.secret).toMatch(/^fb_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(first.json).toMatchObject({ name: "BI export", access: "read", status: "active", personnel: { id: people.admin, role: "admin" }, created_by: people.admin, last_used_at: null });
    expect(first.json.secret.startsWith(first.json.prefix + "_")).toBe(true);
    const replay = await create({ client_id: clientId, name: "BI export", access: "read" });
    expect(replay.status).toBe(200);
    expect(replay.json.id).toBe(first.json.id);
    expect(replay.json.secret).toBeUndefined();
    const [row] = await ctx.handle.db.select().from(apiKeys).where(eq(apiKeys.id, first.json.id));
    expect(row!.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.keyHash).not.toContain(first.json.secret.slice(12));
    expect(await ctx.handle.db.select().from(apiKeys).where(eq(apiKeys.clientId, clientId))).toHaveLength(1);
    const audits = await ctx.handle.db.select().from(auditLog).where(and(eq(auditLog.action, "apikey.created"), eq(auditLog.subjectId, String(first.json.id))));
    expect(audits).toHaveLength(1);
    const list = await call(listKeys, "/api/v1/api-keys", { headers: bearer(adminToken) });
    expect(list.status).toBe(200);
    const listed = list.json.items.find((k: { id: number }) => k.id === first.json.id);
    expect(listed).toMatchObject({ name: "BI export" });
    expect(JSON.stringify(list.json)).not.toContain(first.json.secret);
  });

  it("a read key reads (via X-API-Key or Bearer) but cannot change anything; last_used_at is recorded", async () => {
    useDbHandle(ctx.handle);
    const { json: key } = await create({ access: "read" });
    const viaHeader = await call(me, "/api/v1/auth/me", { headers: { "x-api-key": key.secret } });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.json).toMatchObject({ id: people.admin, via: "api_key", read_only: true, api_key_id: key.id });
    expect((await call(me, "/api/v1/auth/me", { headers: bearer(key.secret) })).status).toBe(200);
    expect((await call(listKeys, "/api/v1/api-keys", { headers: { "x-api-key": key.secret } })).status).toBe(403);
    const write = await create({}, { "x-api-key": key.secret });
    expect(write.status).toBe(403);
    expect(write.json.error.code).toBe("FORBIDDEN");
    const [row] = await ctx.handle.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(row!.lastUsedAt).toBeInstanceOf(Date);
    expect(Math.abs(row!.lastUsedAt!.getTime() - Date.now())).toBeLessThan(60_000);
    // Written at most once a minute per key: the next uses leave it as it is.
    await call(me, "/api/v1/auth/me", { headers: { "x-api-key": key.secret } });
    const [again] = await ctx.handle.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(again!.lastUsedAt!.getTime()).toBe(row!.lastUsedAt!.getTime());
  });

  it("a read_write key acting as an admin may manage keys; one acting as a manager has the manager's role", async () => {
    useDbHandle(ctx.handle);
    const { json: rw } = await create({ access: "read_write" });
    expect((await create({ name: "made by a key" }, { "x-api-key": rw.secret })).status).toBe(201);
    const { json: mk } = await create({ access: "read_write", personnel_id: people.manager });
    expect(mk.personnel).toMatchObject({ id: people.manager, role: "manager" });
    const m = await call(me, "/api/v1/auth/me", { headers: { "x-api-key": mk.secret } });
    expect(m.json).toMatchObject({ id: people.manager, role: "manager", read_only: false });
    expect((await create({}, { "x-api-key": mk.secret })).status).toBe(403);
  });

  it("validates input: reps cannot own keys, expiry must be future, unknown fields and bad access refused", async () => {
    useDbHandle(ctx.handle);
    const rep = await create({ personnel_id: people.rep });
    expect(rep.status).toBe(400);
    expect(rep.json.error.field).toBe("personnel_id");
    const past = await create({ expires_at: new Date(Date.now() - 1000).toISOString() });
    expect(past.status).toBe(400);
    expect(past.json.error.field).toBe("expires_at");
    const access = await create({ access: "admin" });
    expect(access.status).toBe(400);
    expect(access.json.error.field).toBe("access");
    expect((await create({ client_id: "not-a-uuid" })).json.error.field).toBe("client_id");
    expect((await create({ name: "" })).json.error.field).toBe("name");
  });

  it("non-admins may not create or list keys", async () => {
    useDbHandle(ctx.handle);
    const r = await call(login, "/api/v1/auth/login", { json: { email: emailOf(people, "manager"), password: PASSWORD } });
    expect((await create({}, bearer(r.json.access_token))).status).toBe(403);
    expect((await call(listKeys, "/api/v1/api-keys", { headers: bearer(r.json.access_token) })).status).toBe(403);
    expect((await create({}, {})).status).toBe(401);
  });

  it("revoked, expired, unknown and malformed keys answer 401; revoking twice is idempotent", async () => {
    useDbHandle(ctx.handle);
    const { json: key } = await create({ access: "read" });
    expect((await call(me, "/api/v1/auth/me", { headers: { "x-api-key": key.secret } })).status).toBe(200);
    const r1 = await call(revokeKey, `/api/v1/api-keys/${key.id}`, { method: "DELETE", headers: bearer(adminToken), params: { id: String(key.id) } });
    expect(r1.status).toBe(200);
    expect(r1.json.status).toBe("revoked");
    const r2 = await call(revokeKey, `/api/v1/api-keys/${key.id}`, { method: "DELETE", headers: bearer(adminToken), params: { id: String(key.id) } });
    expect(r2.status).toBe(200);
    expect(r2.json.revoked_at).toBe(r1.json.revoked_at);
    expect(await ctx.handle.db.select().from(auditLog).where(and(eq(auditLog.action, "apikey.revoked"), eq(auditLog.subjectId, String(key.id))))).toHaveLength(1);
    const after = await call(me, "/api/v1/auth/me", { headers: { "x-api-key": key.secret } });
    expect(after.status).toBe(401);
    expect(after.json.error.code).toBe("UNAUTHENTICATED");
    expect((await call(revokeKey, "/api/v1/api-keys/999999", { method: "DELETE", headers: bearer(adminToken), params: { id: "999999" } })).status).toBe(404);
    expect((await call(revokeKey, "/api/v1/api-keys/abc", { method: "DELETE", headers: bearer(adminToken), params: { id: "abc" } })).status).toBe(400);

    const { json: soon } = await create({ expires_at: new Date(Date.now() + 60_000).toISOString() });
    expect((await call(me, "/api/v1/auth/me", { headers: { "x-api-key": soon.secret } })).status).toBe(200);
    await ctx.handle.db.update(apiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiKeys.id, soon.id));
    expect((await call(me, "/api/v1/auth/me", { headers: { "x-api-key": soon.secret } })).status).toBe(401);

    const unknown = key.secret.slice(0, -4) + (key.secret.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect((await call(me, "/api/v1/auth/me", { headers: { "x-api-key": unknown } })).status).toBe(401);
    expect((await call(me, "/api/v1/auth/me", { headers: { "x-api-key": "fb_nope" } })).status).toBe(401);
  });

  it("a key stops working the moment its person is deactivated", async () => {
    useDbHandle(ctx.handle);
    const { json: key } = await create({ access: "read", personnel_id: people.manager });
    expect((await call(me, "/api/v1/auth/me", { headers: { "x-api-key": key.secret } })).status).toBe(200);
    await ctx.handle.db.update(personnel).set({ active: false }).where(eq(personnel.id, people.manager));
    try {
      expect((await call(me, "/api/v1/auth/me", { headers: { "x-api-key": key.secret } })).status).toBe(401);
    } finally {
      await ctx.handle.db.update(personnel).set({ active: true }).where(eq(personnel.id, people.manager));
    }
  });
});

describeEachDriver("API key server actions", (ctx) => {
  afterEach(() => useDbHandle(undefined));

  it("create and revoke through the same use-cases, admins only", async () => {
    useDbHandle(ctx.handle);
    const people = await makePeople(ctx.handle.db);
    const { invokeAction } = await import("../../src/server/http/action");
    const { createApiKeyAction, revokeApiKeyAction } = await import("../../src/server/auth/api-keys/api-keys.actions");
    const admin = { id: people.admin, role: "admin" as const, name: "Ada Admin", email: emailOf(people, "admin"), via: "session" as const, readOnly: false };
    const created = await invokeAction(createApiKeyAction.def, admin, { client_id: crypto.randomUUID(), name: "from the page", access: "read_write" });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(created.data.secret).toMatch(/^fb_/);
    const manager = { ...admin, id: people.manager, role: "manager" as const };
    const refused = await invokeAction(revokeApiKeyAction.def, manager, { id: created.data.id });
    expect(refused).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const bad = await invokeAction(createApiKeyAction.def, admin, { client_id: crypto.randomUUID(), name: "" });
    expect(bad).toMatchObject({ ok: false, error: { field: "name" } });
    const revoked = await invokeAction(revokeApiKeyAction.def, admin, { id: created.data.id });
    expect(revoked).toMatchObject({ ok: true, data: { status: "revoked" } });
  });
});
