import { verify } from "@node-rs/argon2";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as one from "../../src/app/api/v1/personnel/[id]/route";
import * as reset from "../../src/app/api/v1/personnel/[id]/reset-password/route";
import * as list from "../../src/app/api/v1/personnel/route";
import { useDbHandle } from "../../src/server/db";
import { queryRows } from "../../src/server/db/client";
import { describeEachDriver } from "../support/db";
import { call, count, seedDemo, uuid, type DemoIds } from "./personnel-support";

describeEachDriver("personnel administration API", (ctx) => {
  let ids: DemoIds;
  const db = () => ctx.handle.db;
  beforeAll(async () => {
    ids = await seedDemo(ctx.handle.db);
    useDbHandle(ctx.handle);
  });
  afterAll(() => useDbHandle(undefined));

  const admin = () => ids.admin!;
  const create = (body: Record<string, unknown>, as = admin()) => call(list.POST, { method: "POST", as, body });
  const patch = (id: number | string, body: Record<string, unknown>, as = admin()) => call(one.PATCH, { method: "PATCH", as, params: { id: String(id) }, body });
  const newPerson = async (extra: Record<string, unknown> = {}) => {
    const tag = uuid().slice(0, 8);
    const r = await create({ client_id: uuid(), name: `Person ${tag}`, email: `p-${tag}@example.test`, role: "manager", manager_id: admin(), ...extra });
    expect(r.status).toBe(201);
    return r.body.id as number;
  };
  const audits = (action: string, target: number) =>
    queryRows<{ details: Record<string, unknown>; actor_id: number }>(
      db(),
      sql`SELECT details, actor_id FROM audit_log WHERE action = ${action} AND target_personnel_id = ${target} ORDER BY id`,
    );

  it("creates a person once per client_id: 201, then the same person with 200; the generated password is shown once", async () => {
    const body = { client_id: uuid(), name: "Kavya Rao", email: "Kavya.Rao@Example.TEST", role: "rep", manager_id: ids.manager1, employee_id: "NEW-001", phone: "+91 98450 00000" };
    const first = await create(body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ name: "Kavya Rao", email: "kavya.rao@example.test", role: "rep", manager_id: ids.manager1, active: true, mfa_enabled: false });
    expect(first.body.temporary_password).toMatch(/^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
    const [row] = await queryRows<{ password_hash: string }>(db(), sql`SELECT password_hash FROM personnel WHERE id = ${first.body.id}`);
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    expect(await verify(row!.password_hash, first.body.temporary_password)).toBe(true);

    const replay = await create(body);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ id: first.body.id, temporary_password: null });
    expect(await count(db(), "personnel", sql`lower(email) = 'kavya.rao@example.test'`)).toBe(1);
    expect(await audits("personnel.created", first.body.id)).toEqual([
      { actor_id: admin(), details: { email: "kavya.rao@example.test", role: "rep", manager_id: ids.manager1, password: "generated" } },
    ]);
  });

  it("refuses a taken email (case-insensitively) and a taken employee id with 409 and the field, writing nothing", async () => {
    const before = await count(db(), "personnel");
    const dupEmail = await create({ client_id: uuid(), name: "X", email: "REP01@fieldbeat.test", role: "rep", manager_id: ids.manager1 });
    expect(dupEmail).toMatchObject({ status: 409, body: { error: { code: "EMAIL_TAKEN", field: "email" } } });
    const dupEmp = await create({ client_id: uuid(), name: "X", email: "fresh@example.test", role: "rep", manager_id: ids.manager1, employee_id: "FB-0001" });
    expect(dupEmp).toMatchObject({ status: 409, body: { error: { code: "EMPLOYEE_ID_TAKEN", field: "employee_id" } } });
    expect(await count(db(), "personnel")).toBe(before);
  });

  it("answers bad input with 400/404/415 and the field", async () => {
    const base = { client_id: uuid(), name: "Bad Input", email: "bad@example.test", role: "rep", manager_id: ids.manager1 };
    const { name: _n, ...noName } = base;
    expect(await create(noName)).toMatchObject({ status: 400, body: { error: { code: "VALIDATION_FAILED", field: "name" } } });
    expect(await create({ ...base, email: "not-an-email" })).toMatchObject({ status: 400, body: { error: { field: "email" } } });
    expect(await create({ ...base, client_id: "abc" })).toMatchObject({ status: 400, body: { error: { field: "client_id" } } });
    expect(await create({ ...base, role: "owner" })).toMatchObject({ status: 400, body: { error: { field: "role" } } });
    expect(await create({ ...base, password: "short" })).toMatchObject({ status: 400, body: { error: { field: "password" } } });
    expect(await create({ ...base, manager_id: null })).toMatchObject({ status: 400, body: { error: { field: "manager_id" } } });
    expect(await create({ ...base, surprise: 1 })).toMatchObject({ status: 400, body: { error: { code: "VALIDATION_FAILED" } } });
    expect(await create({ ...base, manager_id: 999_999 })).toMatchObject({ status: 404, body: { error: { code: "NOT_FOUND", field: "manager_id" } } });
    expect(await create({ ...base, manager_id: ids.rep02 })).toMatchObject({ status: 409, body: { error: { code: "INVALID_MANAGER", field: "manager_id" } } });
    expect(await call(list.POST, { method: "POST", as: admin(), rawBody: "{ nope" })).toMatchObject({ status: 400, body: { error: { code: "INVALID_JSON" } } });
    expect(await call(list.POST, { method: "POST", as: admin(), rawBody: JSON.stringify(base), contentType: "text/plain" })).toMatchObject({
      status: 415,
      body: { error: { code: "UNSUPPORTED_MEDIA_TYPE" } },
    });
    expect(await patch(ids.rep03!, { client_id: uuid() })).toMatchObject({ status: 400, body: { error: { code: "VALIDATION_FAILED" } } });
    expect(await patch(999_999, { client_id: uuid(), name: "Ghost" })).toMatchObject({ status: 404 });
    expect(await patch("abc", { client_id: uuid(), name: "Ghost" })).toMatchObject({ status: 400 }); // not an id at all (issue #12: one strict id rule)
    expect(await count(db(), "personnel", sql`email = 'bad@example.test'`)).toBe(0);
  });

  it("lets only admins change people: reps and managers get 403, anonymous 401", async () => {
    const body = { client_id: uuid(), name: "Nope", email: "nope@example.test", role: "rep", manager_id: ids.manager1 };
    expect((await create(body, ids.rep01)).status).toBe(403);
    expect((await create(body, ids.manager1)).status).toBe(403);
    expect((await call(list.POST, { method: "POST", body })).status).toBe(401);
    expect((await patch(ids.rep01!, { client_id: uuid(), name: "Renamed" }, ids.manager1)).status).toBe(403);
    expect((await call(reset.POST, { method: "POST", as: ids.manager1, params: { id: String(ids.rep01) }, body: { client_id: uuid() } })).status).toBe(403);
  });

  it("scopes reads: a manager sees exactly their subtree, another branch is 404, a rep gets 403", async () => {
    const mine = await call(list.GET, { as: ids.manager1, url: "http://localhost/api/v1/personnel?limit=500" });
    expect(mine.status).toBe(200);
    const expected = await queryRows<{ id: number }>(db(), sql`SELECT id FROM personnel WHERE id = ${ids.manager1} OR manager_id = ${ids.manager1}`);
    expect(mine.body.items.map((p: { id: number }) => p.id).sort()).toEqual(expected.map((r) => r.id).sort());
    expect(mine.body.items.some((p: { id: number }) => p.id === ids.rep09)).toBe(false);

    expect((await call(one.GET, { as: ids.manager1, params: { id: String(ids.rep01) } })).status).toBe(200);
    expect(await call(one.GET, { as: ids.manager2, params: { id: String(ids.rep01) } })).toMatchObject({ status: 404, body: { error: { code: "NOT_FOUND" } } });
    expect((await call(list.GET, { as: ids.rep01 })).status).toBe(403);
    expect((await call(one.GET, { as: ids.rep01, params: { id: String(ids.rep01) } })).status).toBe(403);
  });

  it("filters and paginates the admin list by name without repeats", async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `http://localhost/api/v1/personnel?limit=7${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await call(list.GET, { as: admin(), url });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((p: { id: number }) => p.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(await count(db(), "personnel"));

    const managers = await call(list.GET, { as: admin(), url: "http://localhost/api/v1/personnel?role=manager&q=manager" });
    expect(managers.body.items.map((p: { email: string }) => p.email)).toEqual(expect.arrayContaining(["manager1@fieldbeat.test", "manager2@fieldbeat.test", "manager3@fieldbeat.test"]));
    expect(managers.body.items.every((p: { role: string }) => p.role === "manager")).toBe(true);
    expect(await call(list.GET, { as: admin(), url: "http://localhost/api/v1/personnel?cursor=garbage" })).toMatchObject({ status: 400, body: { error: { field: "cursor" } } });
    expect(await call(list.GET, { as: admin(), url: "http://localhost/api/v1/personnel?limit=0" })).toMatchObject({ status: 400, body: { error: { field: "limit" } } });
  });

  it("audits each PATCH change on its own: details, manager from → to, role from → to; a replay changes nothing", async () => {
    const rep = ids.rep04!;
    const body = { client_id: uuid(), name: "Renamed Rep", phone: "+91 11111 22222", manager_id: ids.manager2, role: "manager" };
    const r = await patch(rep, body);
    expect(r).toMatchObject({ status: 200, body: { id: rep, name: "Renamed Rep", manager_id: ids.manager2, role: "manager" } });
    expect((await audits("personnel.updated", rep))[0]!.details).toMatchObject({ changes: { name: { to: "Renamed Rep" }, phone: { to: "+91 11111 22222" } } });
    expect(await audits("personnel.manager_changed", rep)).toEqual([{ actor_id: admin(), details: { from: ids.manager1, to: ids.manager2 } }]);
    expect(await audits("personnel.role_changed", rep)).toEqual([{ actor_id: admin(), details: { from: "rep", to: "manager" } }]);

    const replay = await patch(rep, body);
    expect(replay).toMatchObject({ status: 200, body: r.body });
    expect(await audits("personnel.role_changed", rep)).toHaveLength(1);

    expect(await patch(rep, { client_id: uuid(), employee_id: "FB-0002" })).toMatchObject({ status: 409, body: { error: { code: "EMPLOYEE_ID_TAKEN", field: "employee_id" } } });
    expect(await patch(admin(), { client_id: uuid(), role: "manager" })).toMatchObject({ status: 409, body: { error: { code: "SELF_ROLE_CHANGE" } } });
    expect(await patch(ids.manager3!, { client_id: uuid(), role: "rep" })).toMatchObject({
      status: 409,
      body: { error: { code: "HAS_ACTIVE_REPORTS", active_reports: 8 } },
    });
  });

  it("rejects a manager change that would loop the hierarchy (A → B → C, then A under C)", async () => {
    const a = await newPerson();
    const b = await newPerson({ manager_id: a });
    const c = await newPerson({ manager_id: b });
    const loop = await patch(a, { client_id: uuid(), manager_id: c });
    expect(loop).toMatchObject({ status: 409, body: { error: { code: "HIERARCHY_CYCLE", field: "manager_id" } } });
    expect(await patch(a, { client_id: uuid(), manager_id: a })).toMatchObject({ status: 409, body: { error: { code: "HIERARCHY_CYCLE" } } });
    expect(await patch(a, { client_id: uuid(), manager_id: 999_999 })).toMatchObject({ status: 404, body: { error: { field: "manager_id" } } });
    const [row] = await queryRows<{ manager_id: number }>(db(), sql`SELECT manager_id FROM personnel WHERE id = ${a}`);
    expect(row!.manager_id).toBe(admin());
    expect(await audits("personnel.manager_changed", a)).toHaveLength(0);
  });

  it("never lets two concurrent opposite manager changes both succeed", async () => {
    for (let round = 0; round < 3; round++) {
      const x = await newPerson();
      const y = await newPerson();
      const [r1, r2] = await Promise.all([patch(x, { client_id: uuid(), manager_id: y }), patch(y, { client_id: uuid(), manager_id: x })]);
      expect([r1.status, r2.status].sort()).toEqual([200, 409]);
      const loser = r1.status === 409 ? r1 : r2;
      expect(["HIERARCHY_CYCLE", "CONCURRENT_CHANGE"]).toContain(loser.body.error.code);
      const rows = await queryRows<{ id: number; manager_id: number }>(db(), sql`SELECT id, manager_id FROM personnel WHERE id IN (${x}, ${y})`);
      const mgr = new Map(rows.map((r) => [r.id, r.manager_id]));
      expect(mgr.get(x) === y && mgr.get(y) === x).toBe(false);
    }
  });

  it("deactivates: refused for yourself and while someone reports to them; the person's token stops at the next request", async () => {
    expect(await patch(admin(), { client_id: uuid(), active: false })).toMatchObject({ status: 409, body: { error: { code: "SELF_DEACTIVATION" } } });
    expect(await patch(ids.manager2!, { client_id: uuid(), active: false })).toMatchObject({ status: 409, body: { error: { code: "HAS_ACTIVE_REPORTS" } } });

    const m = await newPerson();
    expect((await call(list.GET, { as: m })).status).toBe(200);
    const off = await patch(m, { client_id: uuid(), active: false });
    expect(off).toMatchObject({ status: 200, body: { id: m, active: false } });
    expect(await call(list.GET, { as: m })).toMatchObject({ status: 401, body: { error: { code: "UNAUTHENTICATED" } } });
    expect(await audits("personnel.deactivated", m)).toHaveLength(1);
    // A deactivated person cannot be chosen as a manager.
    expect(await create({ client_id: uuid(), name: "Under Ghost", email: "under-ghost@example.test", role: "rep", manager_id: m })).toMatchObject({
      status: 409,
      body: { error: { code: "INVALID_MANAGER" } },
    });

    const on = await patch(m, { client_id: uuid(), active: true });
    expect(on).toMatchObject({ status: 200, body: { active: true } });
    expect(await audits("personnel.reactivated", m)).toHaveLength(1);
  });

  it("resets a password: a new argon2id hash, old tokens refused, a generated one shown once", async () => {
    const rep = ids.rep05!;
    const mgr = await newPerson();
    const chosen = await call(reset.POST, { method: "POST", as: admin(), params: { id: String(mgr) }, body: { client_id: uuid(), password: "a-new-long-password" } });
    expect(chosen).toMatchObject({ status: 200, body: { id: mgr, temporary_password: null, replayed: false } });
    const [h] = await queryRows<{ password_hash: string; tokens_valid_after: Date | null }>(db(), sql`SELECT password_hash, tokens_valid_after FROM personnel WHERE id = ${mgr}`);
    expect(await verify(h!.password_hash, "a-new-long-password")).toBe(true);
    expect(h!.tokens_valid_after).not.toBeNull();
    // A token issued before the reset no longer opens anything.
    expect((await call(list.GET, { as: mgr })).status).toBe(401);

    const body = { client_id: uuid() };
    const gen = await call(reset.POST, { method: "POST", as: admin(), params: { id: String(rep) }, body });
    expect(gen.status).toBe(200);
    const [r] = await queryRows<{ password_hash: string }>(db(), sql`SELECT password_hash FROM personnel WHERE id = ${rep}`);
    expect(await verify(r!.password_hash, gen.body.temporary_password)).toBe(true);
    expect(await verify(r!.password_hash, "fieldbeat-demo")).toBe(false);
    const replay = await call(reset.POST, { method: "POST", as: admin(), params: { id: String(rep) }, body });
    expect(replay).toMatchObject({ status: 200, body: { temporary_password: null, replayed: true } });
    expect(await audits("personnel.password_reset", rep)).toEqual([{ actor_id: admin(), details: { password: "generated" } }]);
    expect(
      await call(reset.POST, { method: "POST", as: admin(), params: { id: String(rep) }, body: { client_id: uuid(), password: "short" } }),
    ).toMatchObject({ status: 400, body: { error: { field: "password" } } });
  });
});
