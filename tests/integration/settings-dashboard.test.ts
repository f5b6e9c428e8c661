/** Alert thresholds and event retention in organisation settings: admin-only, validated, audited, and used by the alert check. */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { checkAlerts } from "../../src/server/alerts/check-alerts";
import type { Actor } from "../../src/server/auth/actor";
import { useDbHandle } from "../../src/server/db";
import { queryRows } from "../../src/server/db/client";
import { invokeAction } from "../../src/server/http/action";
import { updateOrgSettingsAction as updateDashboardSettingsAction } from "../../src/server/settings/settings.actions";
import { describeEachDriver } from "../support/db";
import { makeLocation, makePerson } from "../support/visits-world";

const at = (hhmm: string) => new Date(`2026-03-10T${hhmm}:00+05:30`);
const valid = { alert_late_check_in_minutes: 45, alert_open_visit_minutes: 120, alert_untracked_minutes: 20, events_retention_days: 7 };

describeEachDriver("dashboard settings", (ctx) => {
  let admin: Actor, mgr: Actor, rep: Actor;
  beforeAll(async () => {
    useDbHandle(ctx.handle);
    admin = await makePerson(ctx.handle.db, "admin");
    mgr = await makePerson(ctx.handle.db, "manager");
    rep = await makePerson(ctx.handle.db, "rep", mgr.id);
  });

  it("lets an admin change the thresholds (audited with from → to), refuses others and bad values", async () => {
    expect(await invokeAction(updateDashboardSettingsAction.def, mgr, { client_id: randomUUID(), ...valid })).toMatchObject({ ok: false, status: 403 });
    expect(await invokeAction(updateDashboardSettingsAction.def, admin, { client_id: randomUUID(), ...valid, alert_untracked_minutes: 2 })).toMatchObject({
      ok: false,
      status: 400,
      error: { field: "alert_untracked_minutes" },
    });
    const res = await invokeAction(updateDashboardSettingsAction.def, admin, { client_id: randomUUID(), ...valid });
    expect(res).toMatchObject({ ok: true, data: valid });
    const [audit] = await queryRows<{ details: Record<string, unknown> }>(ctx.handle.db, sql`SELECT details FROM audit_log WHERE action = 'settings.changed' ORDER BY id DESC LIMIT 1`);
    expect(audit!.details).toEqual({
      alert_late_check_in_minutes: { from: 30, to: 45 },
      alert_open_visit_minutes: { from: 180, to: 120 },
      alert_untracked_minutes: { from: 30, to: 20 },
      events_retention_days: { from: 14, to: 7 },
    });
  });

  it("is what the alert check uses: 'late' waits for the new threshold", async () => {
    const db = ctx.handle.db;
    const loc = await makeLocation(db, 12.9, 77.5);
    await db.execute(sql`INSERT INTO planned_visits (personnel_id, location_id, planned_date, sequence, planned_time) VALUES (${rep.id}, ${loc}, '2026-03-10', 1, '09:30')`);
    await checkAlerts(db, at("10:01"));
    const count = async () => Number((await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM alerts WHERE personnel_id = ${rep.id}`))[0]!.n);
    expect(await count()).toBe(0);
    await checkAlerts(db, at("10:16"));
    expect(await count()).toBe(1);
  });
});
