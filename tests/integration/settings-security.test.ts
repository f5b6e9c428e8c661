import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Actor } from "../../src/server/auth/actor";
import { useDbHandle } from "../../src/server/db";
import { queryRows } from "../../src/server/db/client";
import { invokeAction } from "../../src/server/http/action";
import { getSecuritySettings } from "../../src/server/settings/get-settings";
import { updateOrgSettingsAction as updateSecuritySettingsAction } from "../../src/server/settings/settings.actions";
import { describeEachDriver } from "../support/db";
import { seedDemo, uuid, type DemoIds } from "./personnel-support";

describeEachDriver("security settings: require MFA for managers", (ctx) => {
  let ids: DemoIds;
  const actor = (key: string, role: Actor["role"]): Actor => ({ id: ids[key]!, role, name: key, email: `${key}@fieldbeat.test`, via: "session", readOnly: false });
  const toggle = (as: Actor, raw: unknown) => invokeAction(updateSecuritySettingsAction.def, as, raw);
  const audits = () => queryRows<{ actor_id: number; details: unknown }>(ctx.handle.db, sql`SELECT actor_id, details FROM audit_log WHERE action = 'settings.changed' ORDER BY id`);

  beforeAll(async () => {
    ids = await seedDemo(ctx.handle.db);
    useDbHandle(ctx.handle);
  });
  afterAll(() => useDbHandle(undefined));

  it("toggles require_manager_mfa, audited with from → to; a replay and a no-op write nothing more", async () => {
    const admin = actor("admin", "admin");
    const now = new Date();
    expect(await getSecuritySettings({ db: ctx.handle.db, actor: admin, now })).toMatchObject({ require_manager_mfa: false, managers_without_mfa: 4 });
    // An admin without MFA may not require it: the next page would send them to enrolment.
    expect(await toggle(admin, { client_id: uuid(), require_manager_mfa: true })).toMatchObject({ ok: false, error: { code: "MFA_NOT_ENROLLED", field: "require_manager_mfa" } });
    expect(await audits()).toHaveLength(0);
    await ctx.handle.db.execute(sql`UPDATE personnel SET mfa_enabled_at = now(), mfa_secret = 'JBSWY3DPEHPK3PXP' WHERE id = ${ids.admin}`);
    expect(await getSecuritySettings({ db: ctx.handle.db, actor: admin, now })).toMatchObject({ managers_without_mfa: 3 });
    const body = { client_id: uuid(), require_manager_mfa: true };
    expect(await toggle(admin, body)).toMatchObject({ ok: true, data: { require_manager_mfa: true } });
    expect(await toggle(admin, body)).toMatchObject({ ok: true, data: { require_manager_mfa: true } });
    expect(await toggle(admin, { client_id: uuid(), require_manager_mfa: true })).toMatchObject({ ok: true });
    expect(await audits()).toEqual([{ actor_id: ids.admin, details: { require_manager_mfa: { from: false, to: true } } }]);
    const [row] = await queryRows<{ require_manager_mfa: boolean }>(ctx.handle.db, sql`SELECT require_manager_mfa FROM org_settings WHERE id = 1`);
    expect(row!.require_manager_mfa).toBe(true);
    expect(await toggle(admin, { client_id: uuid(), require_manager_mfa: false })).toMatchObject({ ok: true, data: { require_manager_mfa: false } });
    expect(await audits()).toHaveLength(2);
  });

  it("is for admins only and validates its input", async () => {
    expect(await toggle(actor("manager1", "manager"), { client_id: uuid(), require_manager_mfa: true })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await toggle(actor("rep01", "rep"), { client_id: uuid(), require_manager_mfa: true })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await invokeAction(updateSecuritySettingsAction.def, null, { client_id: uuid(), require_manager_mfa: true })).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
    const admin = actor("admin", "admin");
    expect(await toggle(admin, { client_id: uuid(), require_manager_mfa: "yes" })).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED", field: "require_manager_mfa" } });
    expect(await toggle(admin, { require_manager_mfa: true })).toMatchObject({ ok: false, error: { field: "client_id" } });
    expect(await audits()).toHaveLength(2);
  });
});
