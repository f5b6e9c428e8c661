/** Customers (locations) API of issue #18: create/list/get/patch, idempotency, roles, bad input, default radius from settings. */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { GET as list, POST as create } from "../../src/app/api/v1/locations/route";
import { GET as getOne, PATCH as patch } from "../../src/app/api/v1/locations/[id]/route";
import { PATCH as patchSettings } from "../../src/app/api/v1/settings/route";
import type { Actor } from "../../src/server/auth/actor";
import { useDbHandle } from "../../src/server/db";
import { queryRows } from "../../src/server/db/client";
import { describeEachDriver } from "../support/db";
import { call, makePerson } from "../support/visits-world";

describeEachDriver("customers API", (ctx) => {
  let admin: Actor, mgr: Actor, rep: Actor;
  beforeAll(async () => {
    useDbHandle(ctx.handle);
    admin = await makePerson(ctx.handle.db, "admin");
    mgr = await makePerson(ctx.handle.db, "manager");
    rep = await makePerson(ctx.handle.db, "rep", mgr.id);
  });
  afterAll(() => useDbHandle(undefined));
  const post = (as: number, body: Record<string, unknown>) => call(create, "/api/v1/locations", { as, body });
  const count = async () => (await queryRows<{ n: number }>(ctx.handle.db, sql`SELECT count(*)::int AS n FROM locations`))[0]!.n;

  it("a manager creates a customer (201, audited); the same client_id again is the same customer (200); another body is 409", async () => {
    const body = { client_id: randomUUID(), name: "Sharma Medical", lat: 12.9759, lon: 77.6056, address: "12 MG Road", external_ref: "C-1001", location_type: "pharmacy" };
    const first = await post(mgr.id, body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ name: "Sharma Medical", lat: 12.9759, lon: 77.6056, geofence_radius: 50, external_ref: "C-1001", active: true });
    const again = await post(mgr.id, body);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect((await post(mgr.id, { ...body, name: "Other" })).status).toBe(409);
    const [audit] = await queryRows<{ n: number }>(ctx.handle.db, sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'location.created' AND subject_id = ${String(first.body.id)}`);
    expect(audit!.n).toBe(1);
    // The same external_ref on another customer is a conflict on that field.
    const dup = await post(admin.id, { ...body, client_id: randomUUID(), name: "Copy" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.field).toBe("external_ref");
  });

  it("reps read but may not write; every signed-in role lists and searches", async () => {
    const before = await count();
    expect((await post(rep.id, { client_id: randomUUID(), name: "Nope", lat: 1, lon: 1 })).status).toBe(403);
    expect(await count()).toBe(before);
    const found = await call(list, "/api/v1/locations?q=mg%20road&active=true", { as: rep.id });
    expect(found.status).toBe(200);
    expect(found.body.items.map((l: { name: string }) => l.name)).toContain("Sharma Medical");
    const byRef = await call(list, "/api/v1/locations?q=c-1001", { as: rep.id });
    expect(byRef.body.items).toHaveLength(1);
    const byType = await call(list, "/api/v1/locations?type=pharmacy", { as: rep.id });
    expect(byType.body.items.every((l: { location_type: string }) => l.location_type === "pharmacy")).toBe(true);
  });

  it("pages by name with a cursor", async () => {
    for (const n of ["Page A", "Page B", "Page C"]) expect((await post(admin.id, { client_id: randomUUID(), name: n, lat: 10, lon: 10 })).status).toBe(201);
    const p1 = await call(list, "/api/v1/locations?q=page&limit=2", { as: admin.id });
    expect(p1.body.items.map((l: { name: string }) => l.name)).toEqual(["Page A", "Page B"]);
    const p2 = await call(list, `/api/v1/locations?q=page&limit=2&cursor=${p1.body.next_cursor}`, { as: admin.id });
    expect(p2.body.items.map((l: { name: string }) => l.name)).toEqual(["Page C"]);
    expect(p2.body.next_cursor).toBeNull();
    expect((await call(list, "/api/v1/locations?cursor=bogus", { as: admin.id })).status).toBe(400);
  });

  it("refuses every bad input class with its field, writing nothing", async () => {
    const before = await count();
    const ok = { name: "X", lat: 12, lon: 77 };
    const bad: [Record<string, unknown>, string][] = [
      [{ ...ok, geofence_radius: 4 }, "geofence_radius"],
      [{ ...ok, geofence_radius: 5001 }, "geofence_radius"],
      [{ ...ok, geofence_radius: 50.5 }, "geofence_radius"],
      [{ ...ok, lat: 91 }, "lat"],
      [{ ...ok, lon: -181 }, "lon"],
      [{ ...ok, lat: "12" }, "lat"],
      [{ ...ok, name: "" }, "name"],
      [{ ...ok, name: "   " }, "name"],
      [{ ...ok, name: "n".repeat(256) }, "name"],
      [{ ...ok, location_type: "t".repeat(51) }, "location_type"],
      [{ lat: 1, lon: 1 }, "name"],
    ];
    for (const [body, field] of bad) {
      const res = await post(admin.id, { client_id: randomUUID(), ...body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
    const nan = await call(create, "/api/v1/locations", { as: admin.id, raw: `{"client_id":"${randomUUID()}","name":"x","lat":NaN,"lon":1}` });
    expect(nan.status).toBe(400);
    expect(await count()).toBe(before);
  });

  it("a missing radius takes the organisation's default, which settings change", async () => {
    const s = await call(patchSettings, "/api/v1/settings", { as: admin.id, method: "PATCH", body: { client_id: randomUUID(), default_geofence_radius: 75 } });
    expect(s.status).toBe(200);
    const res = await post(mgr.id, { client_id: randomUUID(), name: "Default radius", lat: 11, lon: 76 });
    expect(res.body.geofence_radius).toBe(75);
    await call(patchSettings, "/api/v1/settings", { as: admin.id, method: "PATCH", body: { client_id: randomUUID(), default_geofence_radius: 50 } });
  });

  it("patch: edits, moves, deactivates and reactivates (audited); never deletes; reps refused; unknown is 404", async () => {
    const id = (await post(admin.id, { client_id: randomUUID(), name: "To edit", lat: 12.5, lon: 77.5 })).body.id as number;
    const p = (as: number, body: Record<string, unknown>) => call(patch, `/api/v1/locations/${id}`, { as, method: "PATCH", params: { id: String(id) }, body: { client_id: randomUUID(), ...body } });
    expect((await p(rep.id, { geofence_radius: 80 })).status).toBe(403);
    const moved = await p(mgr.id, { geofence_radius: 80, lat: 12.51, lon: 77.51 });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ geofence_radius: 80, lat: 12.51, lon: 77.51 });
    expect((await p(mgr.id, { lat: 12.6 })).body.error.field).toBe("lon");
    expect((await p(mgr.id, { geofence_radius: 6000 })).body.error.field).toBe("geofence_radius");
    const off = await p(mgr.id, { active: false });
    expect(off.body.active).toBe(false);
    expect((await call(getOne, `/api/v1/locations/${id}`, { as: rep.id, params: { id: String(id) } })).body.active).toBe(false);
    expect((await p(admin.id, { active: true })).body.active).toBe(true);
    const actions = await queryRows<{ action: string }>(ctx.handle.db, sql`SELECT action FROM audit_log WHERE subject_type = 'location' AND subject_id = ${String(id)} ORDER BY id`);
    expect(actions.map((a) => a.action)).toEqual(["location.created", "location.updated", "location.deactivated", "location.reactivated"]);
    const missing = await call(patch, "/api/v1/locations/99999999", { as: admin.id, method: "PATCH", params: { id: "99999999" }, body: { client_id: randomUUID(), name: "x" } });
    expect(missing.status).toBe(404);
    expect((await call(getOne, "/api/v1/locations/0x10", { as: admin.id, params: { id: "0x10" } })).status).toBe(400);
  });
});
