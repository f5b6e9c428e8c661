import { verify } from "@node-rs/argon2";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Actor } from "../../src/server/auth/actor";
import { useDbHandle } from "../../src/server/db";
import { queryRows } from "../../src/server/db/client";
import { invokeAction } from "../../src/server/http/action";
import {
  createPersonAction,
  deactivatePersonAction,
  reactivatePersonAction,
  resetPasswordAction,
  setManagerAction,
  setRoleAction,
  updatePersonAction,
} from "../../src/server/personnel/personnel.actions";
import { describeEachDriver } from "../support/db";
import { seedDemo, uuid, type DemoIds } from "./personnel-support";

/** The server-action door (what the admin pages call) over the same use-cases as the API. */
describeEachDriver("personnel server actions", (ctx) => {
  let ids: DemoIds;
  let admin: Actor;
  beforeAll(async () => {
    ids = await seedDemo(ctx.handle.db);
    useDbHandle(ctx.handle);
    admin = { id: ids.admin!, role: "admin", name: "admin", email: "admin@fieldbeat.test", via: "session", readOnly: false };
  });
  afterAll(() => useDbHandle(undefined));

  it("create → edit → move → promote → deactivate → reactivate → reset, each answered as { ok, data } and audited", async () => {
    const created = await invokeAction(createPersonAction.def, admin, { client_id: uuid(), name: "Action Person", email: "action.person@example.test", role: "rep", manager_id: ids.manager1 });
    expect(created).toMatchObject({ ok: true, data: { created: true, person: { role: "rep", manager_id: ids.manager1 } } });
    if (!created.ok) throw new Error("create failed");
    const id = created.data.person.id;

    expect(await invokeAction(updatePersonAction.def, admin, { client_id: uuid(), id, name: "Action Person Renamed", phone: "" })).toMatchObject({ ok: true, data: { name: "Action Person Renamed", phone: null } });
    expect(await invokeAction(setManagerAction.def, admin, { client_id: uuid(), id, manager_id: ids.manager2 })).toMatchObject({ ok: true, data: { manager_id: ids.manager2 } });
    expect(await invokeAction(setRoleAction.def, admin, { client_id: uuid(), id, role: "manager" })).toMatchObject({ ok: true, data: { role: "manager" } });
    expect(await invokeAction(deactivatePersonAction.def, admin, { client_id: uuid(), id })).toMatchObject({ ok: true, data: { active: false } });
    expect(await invokeAction(reactivatePersonAction.def, admin, { client_id: uuid(), id })).toMatchObject({ ok: true, data: { active: true } });
    const reset = await invokeAction(resetPasswordAction.def, admin, { client_id: uuid(), id });
    expect(reset).toMatchObject({ ok: true, data: { id, replayed: false } });
    if (!reset.ok || !reset.data.temporary_password) throw new Error("reset failed");
    const [row] = await queryRows<{ password_hash: string }>(ctx.handle.db, sql`SELECT password_hash FROM personnel WHERE id = ${id}`);
    expect(await verify(row!.password_hash, reset.data.temporary_password)).toBe(true);

    const actions = await queryRows<{ action: string }>(ctx.handle.db, sql`SELECT action FROM audit_log WHERE target_personnel_id = ${id} ORDER BY id`);
    expect(actions.map((a) => a.action)).toEqual([
      "personnel.created",
      "personnel.updated",
      "personnel.manager_changed",
      "personnel.role_changed",
      "personnel.deactivated",
      "personnel.reactivated",
      "personnel.password_reset",
    ]);
  });

  it("returns refusals as { ok: false, error } with the field, for forms to show", async () => {
    expect(await invokeAction(setManagerAction.def, admin, { client_id: uuid(), id: ids.manager1, manager_id: ids.rep01 })).toMatchObject({
      ok: false,
      error: { code: "INVALID_MANAGER", field: "manager_id" },
    });
    expect(await invokeAction(createPersonAction.def, admin, { client_id: uuid(), name: "", email: "x@example.test", role: "rep", manager_id: ids.manager1 })).toMatchObject({
      ok: false,
      error: { code: "VALIDATION_FAILED", field: "name" },
    });
    expect(await invokeAction(deactivatePersonAction.def, admin, { client_id: uuid(), id: ids.manager1 })).toMatchObject({
      ok: false,
      error: { code: "HAS_ACTIVE_REPORTS", active_reports: 8 },
    });
    const manager: Actor = { id: ids.manager1!, role: "manager", name: "m", email: "manager1@fieldbeat.test", via: "session", readOnly: false };
    expect(await invokeAction(setRoleAction.def, manager, { client_id: uuid(), id: ids.rep01, role: "manager" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
  });
});
