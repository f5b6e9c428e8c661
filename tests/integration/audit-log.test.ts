import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as audit from "../../src/app/api/v1/audit/route";
import * as one from "../../src/app/api/v1/personnel/[id]/route";
import { recordAudit } from "../../src/server/audit/record-audit";
import { useDbHandle } from "../../src/server/db";
import { queryRows } from "../../src/server/db/client";
import { describeEachDriver } from "../support/db";
import { call, seedDemo, uuid, type DemoIds, type JsonBody } from "./personnel-support";

const url = (q: string) => `http://localhost/api/v1/audit${q ? "?" + q : ""}`;

describeEachDriver("GET /api/v1/audit", (ctx) => {
  let ids: DemoIds;
  beforeAll(async () => {
    ids = await seedDemo(ctx.handle.db);
    useDbHandle(ctx.handle);
    // A trail view by a manager (written by the tracking door in real life) at a known time…
    await recordAudit(ctx.handle.db, {
      action: "trail.viewed",
      actor: { id: ids.manager1!, email: "manager1@fieldbeat.test" },
      subjectType: "trail",
      subjectId: ids.rep01!,
      targetPersonnelId: ids.rep01!,
      details: { date: "2026-11-20" },
      at: new Date("2026-11-20T10:00:00Z"),
    });
    // …and a real admin change through the API.
    const r = await call(one.PATCH, { method: "PATCH", as: ids.admin, params: { id: String(ids.rep02) }, body: { client_id: uuid(), role: "manager" } });
    expect(r.status).toBe(200);
  });
  afterAll(() => useDbHandle(undefined));

  it("is for admins only: managers and reps 403, anonymous 401", async () => {
    expect((await call(audit.GET, { as: ids.manager1, url: url("") })).status).toBe(403);
    expect((await call(audit.GET, { as: ids.rep01, url: url("") })).status).toBe(403);
    expect((await call(audit.GET, { url: url("") })).status).toBe(401);
  });

  it("lists newest first, with who saw whose location and when", async () => {
    const r = await call(audit.GET, { as: ids.admin, url: url("") });
    expect(r.status).toBe(200);
    const times = r.body.items.map((e: { at: string }) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(r.body.items[0]).toMatchObject({ action: "personnel.role_changed", actor_id: ids.admin, target_personnel_id: ids.rep02, details: { from: "rep", to: "manager" } });
    const [names] = await queryRows<{ m: string; r: string }>(
      ctx.handle.db,
      sql`SELECT (SELECT name FROM personnel WHERE id = ${ids.manager1}) AS m, (SELECT name FROM personnel WHERE id = ${ids.rep01}) AS r`,
    );
    const view = r.body.items.find((e: { action: string }) => e.action === "trail.viewed");
    expect(view).toMatchObject({ at: "2026-11-20T10:00:00.000Z", actor_name: names!.m, target_name: names!.r, target_personnel_id: ids.rep01 });
  });

  it("filters by action (exact or family), actor, target and time", async () => {
    const byAction = await call(audit.GET, { as: ids.admin, url: url("action=trail.viewed") });
    expect(byAction.body.items.map((e: { action: string }) => e.action)).toEqual(["trail.viewed"]);
    const family = await call(audit.GET, { as: ids.admin, url: url("action=personnel.*") });
    expect(family.body.items.length).toBeGreaterThan(0);
    expect(family.body.items.every((e: { action: string }) => e.action.startsWith("personnel."))).toBe(true);
    const byActor = await call(audit.GET, { as: ids.admin, url: url(`actor_id=${ids.manager1}`) });
    expect(byActor.body.items.every((e: { actor_id: number }) => e.actor_id === ids.manager1)).toBe(true);
    const byTarget = await call(audit.GET, { as: ids.admin, url: url(`target_personnel_id=${ids.rep02}`) });
    expect(byTarget.body.items.map((e: { action: string }) => e.action)).toEqual(["personnel.role_changed"]);
    const window = await call(audit.GET, { as: ids.admin, url: url("from=2026-11-20T09:00:00Z&to=2026-11-20T11:00:00Z") });
    expect(window.body.items.map((e: { action: string }) => e.action)).toEqual(["trail.viewed"]);
  });

  it("pages with a cursor without repeats or gaps", async () => {
    for (let i = 0; i < 7; i++) await recordAudit(ctx.handle.db, { action: "test.filler", details: { i } });
    const all = await call(audit.GET, { as: ids.admin, url: url("limit=200") });
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: JsonBody } = await call(audit.GET, { as: ids.admin, url: url(`limit=3${cursor ? `&cursor=${cursor}` : ""}`) });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((e: { id: number }) => e.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((e: { id: number }) => e.id));
  });

  it("answers bad filters with 400 and the field", async () => {
    expect(await call(audit.GET, { as: ids.admin, url: url("from=yesterday") })).toMatchObject({ status: 400, body: { error: { field: "from" } } });
    expect(await call(audit.GET, { as: ids.admin, url: url("from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z") })).toMatchObject({ status: 400, body: { error: { field: "to" } } });
    expect(await call(audit.GET, { as: ids.admin, url: url("actor_id=abc") })).toMatchObject({ status: 400, body: { error: { field: "actor_id" } } });
    expect(await call(audit.GET, { as: ids.admin, url: url("limit=1000") })).toMatchObject({ status: 400, body: { error: { field: "limit" } } });
    expect(await call(audit.GET, { as: ids.admin, url: url("action=DROP TABLE") })).toMatchObject({ status: 400, body: { error: { field: "action" } } });
    expect(await call(audit.GET, { as: ids.admin, url: url("sort=asc") })).toMatchObject({ status: 400 });
  });
});
