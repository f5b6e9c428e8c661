/** Organisation settings in one place (issue #18): GET/PATCH /api/v1/settings, validation, audit, and the one reader's effect. */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { GET, PATCH } from "../../src/app/api/v1/settings/route";
import type { Actor } from "../../src/server/auth/actor";
import { useDbHandle } from "../../src/server/db";
import { openPostgres, queryRows } from "../../src/server/db/client";
import { getOrgSettings, SettingsCache } from "../../src/server/settings/org-settings";
import { orgToday } from "../../src/server/team/team.queries";
import { describeEachDriver, serverUrlOf } from "../support/db";
import { call, ctxFor, makePerson } from "../support/visits-world";

describeEachDriver("organisation settings", (ctx) => {
  let admin: Actor, mgr: Actor, rep: Actor;
  beforeAll(async () => {
    useDbHandle(ctx.handle);
    admin = await makePerson(ctx.handle.db, "admin");
    mgr = await makePerson(ctx.handle.db, "manager");
    rep = await makePerson(ctx.handle.db, "rep", mgr.id);
  });
  afterAll(() => useDbHandle(undefined));
  const patch = (as: number, body: Record<string, unknown>) => call(PATCH, "/api/v1/settings", { as, method: "PATCH", body: { client_id: randomUUID(), ...body } });

  it("is one typed object for admins; managers and reps are refused", async () => {
    const res = await call(GET, "/api/v1/settings", { as: admin.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      time_zone: "Asia/Kolkata",
      work_days: [1, 2, 3, 4, 5, 6],
      work_start: "09:00",
      work_end: "19:00",
      default_geofence_radius: 50,
      default_service_minutes: 20,
      travel_speed_kmh: 30,
      route_detour_factor: 1.3,
      tracking_interval_seconds: 60,
      require_manager_mfa: false,
      alert_late_check_in_minutes: 30,
      photo_retention_days: 365,
      events_retention_days: 14,
      ping_retention_days: 90,
    });
    expect((await call(GET, "/api/v1/settings", { as: mgr.id })).status).toBe(403);
    expect((await call(GET, "/api/v1/settings", { as: rep.id })).status).toBe(403);
    expect((await patch(mgr.id, { default_geofence_radius: 80 })).status).toBe(403);
  });

  it("refuses every bad value with its field, and writes nothing", async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ time_zone: "Mars/Olympus" }, "time_zone"],
      [{ time_zone: "" }, "time_zone"],
      [{ work_days: [0, 1] }, "work_days.0"],
      [{ work_days: [] }, "work_days"],
      [{ work_start: "9am" }, "work_start"],
      [{ work_end: "24:00" }, "work_end"],
      [{ work_start: "18:00", work_end: "08:00" }, "work_end"],
      [{ work_start: "20:00" }, "work_start"],
      [{ default_geofence_radius: 4 }, "default_geofence_radius"],
      [{ default_geofence_radius: 5001 }, "default_geofence_radius"],
      [{ default_geofence_radius: "80" }, "default_geofence_radius"],
      [{ travel_speed_kmh: 0 }, "travel_speed_kmh"],
      [{ route_detour_factor: 0.9 }, "route_detour_factor"],
      [{ default_service_minutes: 1.5 }, "default_service_minutes"],
      [{ ping_retention_days: 7 }, "ping_retention_days"], // not shorter than the 7 days a late ping is accepted for
      [{ is_demo: true }, ""],
    ];
    const before = await call(GET, "/api/v1/settings", { as: admin.id });
    for (const [body, field] of bad) {
      const res = await patch(admin.id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      if (field) expect(res.body.error.field, JSON.stringify(body)).toBe(field);
    }
    expect((await call(GET, "/api/v1/settings", { as: admin.id })).body).toEqual(before.body);
  });

  it("changes a subset, audits before → after, replays a client_id and refuses it for another body", async () => {
    const client_id = randomUUID();
    const body = { client_id, default_geofence_radius: 120, work_days: [5, 1, 2, 3, 4, 1], route_detour_factor: 1.4 };
    const first = await call(PATCH, "/api/v1/settings", { as: admin.id, method: "PATCH", body });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ default_geofence_radius: 120, work_days: [1, 2, 3, 4, 5], route_detour_factor: 1.4, work_start: "09:00" });
    const [audit] = await queryRows<{ details: Record<string, unknown>; actor_id: number }>(
      ctx.handle.db,
      sql`SELECT details, actor_id FROM audit_log WHERE action = 'settings.changed' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit).toEqual({
      actor_id: admin.id,
      details: { default_geofence_radius: { from: 50, to: 120 }, work_days: { from: [1, 2, 3, 4, 5, 6], to: [1, 2, 3, 4, 5] }, route_detour_factor: { from: 1.3, to: 1.4 } },
    });
    const again = await call(PATCH, "/api/v1/settings", { as: admin.id, method: "PATCH", body });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const other = await call(PATCH, "/api/v1/settings", { as: admin.id, method: "PATCH", body: { ...body, default_geofence_radius: 121 } });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("CLIENT_ID_REUSED");
    // The same values again: nothing changes, nothing is audited.
    const n = async () => (await queryRows<{ n: number }>(ctx.handle.db, sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'settings.changed'`))[0]!.n;
    const audits = await n();
    expect((await patch(admin.id, { default_geofence_radius: 120 })).status).toBe(200);
    expect(await n()).toBe(audits);
    expect((await patch(admin.id, { default_geofence_radius: 50, work_days: [1, 2, 3, 4, 5, 6], route_detour_factor: 1.3 })).status).toBe(200);
  });

  it("a time-zone change moves 'today' at the next request", async () => {
    // 20:30 UTC on 10 March is already 11 March in Kolkata (+05:30) but still 10 March in New York.
    const now = new Date("2026-03-10T20:30:00Z");
    expect((await orgToday(ctxFor(ctx.handle.db, mgr, now))).date).toBe("2026-03-11");
    expect((await patch(admin.id, { time_zone: "America/New_York" })).status).toBe(200);
    expect((await orgToday(ctxFor(ctx.handle.db, mgr, now))).date).toBe("2026-03-10");
    expect((await getOrgSettings(ctx.handle.db)).time_zone).toBe("America/New_York");
    expect((await patch(admin.id, { time_zone: "Asia/Kolkata" })).status).toBe(200);
    expect((await orgToday(ctxFor(ctx.handle.db, mgr, now))).date).toBe("2026-03-11");
  });

  it.skipIf(ctx.driver !== "postgres")("two instances: a change through one, or a manual UPDATE, is seen by the other's cache at its next read", async () => {
    const other = await openPostgres({ url: serverUrlOf(ctx.handle), max: 2 });
    const cache = new SettingsCache(serverUrlOf(ctx.handle));
    try {
      const read = () => cache.get(async () => (await import("../../src/server/settings/read-org-settings")).readOrgSettings(other.db));
      expect((await read()).default_service_minutes).toBe(20);
      await read(); // listening now, value stored
      await ctx.handle.db.execute(sql`UPDATE org_settings SET default_service_minutes = 35 WHERE id = 1`);
      expect((await read()).default_service_minutes).toBe(35);
      expect((await patch(admin.id, { default_service_minutes: 20 })).status).toBe(200);
      expect((await read()).default_service_minutes).toBe(20);
      // Served from memory when nothing changed: a change with the trigger silenced is not seen.
      await ctx.handle.db.execute(sql`ALTER TABLE org_settings DISABLE TRIGGER org_settings_notify`);
      try {
        await ctx.handle.db.execute(sql`UPDATE org_settings SET default_service_minutes = 21 WHERE id = 1`);
        expect((await read()).default_service_minutes).toBe(20);
      } finally {
        await ctx.handle.db.execute(sql`UPDATE org_settings SET default_service_minutes = 20 WHERE id = 1`);
        await ctx.handle.db.execute(sql`ALTER TABLE org_settings ENABLE TRIGGER org_settings_notify`);
      }
    } finally {
      await cache.close();
      await other.close();
    }
  });
});
