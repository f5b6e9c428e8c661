/**
 * Alerts with an injected clock: late check-in (a check-in that never happens), missing check-out (over the
 * threshold, then at end of day), risky visits (INVALID, photo flags by name), rep not tracked; raised once however
 * often the check runs; acknowledged by the rep's manager only, audit-logged and pushed as an event. Plus the job
 * runner (pg-boss) on the same database: its schedules exist and a visit event raises its alert without waiting.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { acknowledgeAlertAction } from "../../src/server/alerts/alerts.actions";
import { mayRaiseVisitAlert } from "../../src/server/alerts/alert-rules";
import { checkAlerts, checkVisitAlerts } from "../../src/server/alerts/check-alerts";
import type { Actor } from "../../src/server/auth/actor";
import { useDbHandle } from "../../src/server/db";
import { queryRows } from "../../src/server/db/client";
import { invokeAction } from "../../src/server/http/action";
import { startJobs } from "../../src/server/jobs/runner";
import { startSession } from "../../src/server/sessions/start-session";
import { checkIn } from "../../src/server/visits/check-in";
import { describeEachDriver } from "../support/db";
import { makeLocation, makePerson } from "../support/visits-world";
import { ensurePingPartitions } from "../../src/server/tracking/ping-partitions";

const DAY = "2026-03-10"; // a Tuesday (work day), organisation time zone Asia/Kolkata
const at = (hhmm: string) => new Date(`${DAY}T${hhmm}:00+05:30`);

describeEachDriver("alerts", (ctx) => {
  let mgr: Actor, otherMgr: Actor, rep: Actor, rep2: Actor;
  let l1 = 0, l2 = 0;
  const alertsOf = async (personnelId: number) =>
    queryRows<{ id: number; kind: string; severity: string; message: string; dedupe_key: string; acknowledged_at: unknown }>(
      ctx.handle.db,
      sql`SELECT id, kind, severity, message, dedupe_key, acknowledged_at FROM alerts WHERE personnel_id = ${personnelId} ORDER BY id`,
    );
  const fix = (lat: number, lon: number, t: Date) => ({ lat, lon, accuracy_m: 5, captured_at: t.toISOString() });

  beforeAll(async () => {
    const db = ctx.handle.db;
    useDbHandle(ctx.handle);
    mgr = await makePerson(db, "manager");
    otherMgr = await makePerson(db, "manager");
    rep = await makePerson(db, "rep", mgr.id);
    rep2 = await makePerson(db, "rep", mgr.id);
    [l1, l2] = [await makeLocation(db, 12.97, 77.59), await makeLocation(db, 12.98, 77.6)];
    await db.execute(sql`INSERT INTO planned_visits (personnel_id, location_id, planned_date, sequence, planned_time) VALUES (${rep.id}, ${l1}, ${DAY}::date, 1, '09:30')`);
  }, 120_000);

  it("raises 'late' once the planned time + threshold passes with no check-in, once only", async () => {
    const db = ctx.handle.db;
    await checkAlerts(db, at("09:59"));
    expect(await alertsOf(rep.id)).toEqual([]);
    expect((await checkAlerts(db, at("10:01"))).raised).toBeGreaterThanOrEqual(1);
    const [late] = await alertsOf(rep.id);
    expect(late).toMatchObject({ kind: "late_check_in", message: expect.stringMatching(/planned 09:30, 31 min late/) });
    const [ev] = await queryRows<{ type: string; payload: { alert_id: number } }>(db, sql`SELECT type, payload FROM events WHERE type = 'alert.raised' AND personnel_id = ${rep.id}`);
    expect(ev?.payload.alert_id).toBe(late!.id);
    await checkAlerts(db, at("10:02"));
    expect(await alertsOf(rep.id)).toHaveLength(1);
  });

  it("raises 'missing check-out' past the open-visit threshold, and again (critical) after the end of the work day", async () => {
    const db = ctx.handle.db;
    await checkIn({ db, actor: rep, now: at("10:05") }, { client_id: randomUUID(), location_id: l2, ...fix(12.98, 77.6, at("10:05")) });
    await checkAlerts(db, at("13:04"));
    expect((await alertsOf(rep.id)).filter((a) => a.kind === "missing_check_out")).toEqual([]);
    await checkAlerts(db, at("13:06"));
    expect((await alertsOf(rep.id)).filter((a) => a.kind === "missing_check_out")).toMatchObject([{ severity: "warning", message: expect.stringContaining("open for 3 h 1 min") }]);
    await checkAlerts(db, at("19:01"));
    expect((await alertsOf(rep.id)).filter((a) => a.kind === "missing_check_out").map((a) => a.severity)).toEqual(["warning", "critical"]);
    await db.execute(sql`UPDATE visits SET check_out_time = ${at("19:02").toISOString()}::timestamptz WHERE personnel_id = ${rep.id} AND check_out_time IS NULL`);
  });

  it("raises a risky-visit alert for an INVALID check-in, and a new one when photo flags appear on it", async () => {
    const db = ctx.handle.db;
    const far = await checkIn({ db, actor: rep2, now: at("11:00") }, { client_id: randomUUID(), location_id: l1, ...fix(13.1, 77.8, at("11:00")) });
    expect(far.body.visit.validation_status).toBe("INVALID");
    await checkVisitAlerts(db, far.body.visit.id, at("11:00"));
    await db.execute(sql`UPDATE visits SET flags = flags || '{NO_SELFIE,NO_PHOTO_GPS}'::text[] WHERE id = ${far.body.visit.id}`);
    await checkVisitAlerts(db, far.body.visit.id, at("11:01"));
    await checkVisitAlerts(db, far.body.visit.id, at("11:02"));
    const risky = (await alertsOf(rep2.id)).filter((a) => a.kind === "risky_visit");
    expect(risky.map((a) => a.dedupe_key)).toEqual([`risk:${far.body.visit.id}:INVALID`, `risk:${far.body.visit.id}:INVALID+NO_SELFIE`]);
    expect(risky[0]!.severity).toBe("critical");
    await db.execute(sql`UPDATE visits SET check_out_time = ${at("11:30").toISOString()}::timestamptz WHERE id = ${far.body.visit.id}`);
  });

  it("raises 'not tracked' for an open day with no fix for longer than the threshold during work hours", async () => {
    const db = ctx.handle.db;
    const other = await makePerson(db, "rep", mgr.id);
    await startSession({ db, actor: other, now: at("12:00") }, { client_id: randomUUID() });
    // Pings written here directly: their day partition first (the pings use-case makes its own; ping-partitions.ts).
    await ensurePingPartitions(db, DAY, DAY);
    await db.execute(sql`INSERT INTO location_pings (client_id, personnel_id, coords, accuracy_m, captured_at)
      VALUES (${randomUUID()}, ${other.id}, ST_SetSRID(ST_MakePoint(77.6, 12.98), 4326)::geography, 8, ${at("12:10").toISOString()}::timestamptz)`);
    await checkAlerts(db, at("12:39"));
    expect((await alertsOf(other.id)).filter((a) => a.kind === "not_tracked")).toEqual([]);
    await checkAlerts(db, at("12:41"));
    await checkAlerts(db, at("12:50"));
    expect((await alertsOf(other.id)).filter((a) => a.kind === "not_tracked")).toMatchObject([{ message: "No location for 31 min during work hours" }]);
  });

  it("is acknowledged by the rep's manager only, once, audit-logged and pushed as an event", async () => {
    const db = ctx.handle.db;
    const [late] = await alertsOf(rep.id);
    const repActor = await invokeAction(acknowledgeAlertAction.def, rep, { client_id: randomUUID(), alert_id: late!.id }, at("10:30"));
    expect(repActor).toMatchObject({ ok: false, status: 403 });
    expect(await invokeAction(acknowledgeAlertAction.def, otherMgr, { client_id: randomUUID(), alert_id: late!.id }, at("10:30"))).toMatchObject({ ok: false, status: 404 });
    const ok = await invokeAction(acknowledgeAlertAction.def, mgr, { client_id: randomUUID(), alert_id: late!.id }, at("10:30"));
    expect(ok).toMatchObject({ ok: true, data: { id: late!.id, acknowledged_at: at("10:30").toISOString(), acknowledged_by_name: mgr.name } });
    const again = await invokeAction(acknowledgeAlertAction.def, mgr, { client_id: randomUUID(), alert_id: late!.id }, at("10:45"));
    expect(again).toMatchObject({ ok: true, data: { acknowledged_at: at("10:30").toISOString() } });
    const audit = await queryRows<{ action: string; actor_id: number }>(db, sql`SELECT action, actor_id FROM audit_log WHERE action = 'alert.acknowledged' AND subject_id = ${String(late!.id)}`);
    expect(audit).toEqual([{ action: "alert.acknowledged", actor_id: mgr.id }]);
    const events = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM events WHERE type = 'alert.acknowledged' AND (payload->>'alert_id')::int = ${late!.id}`);
    expect(events[0]!.n).toBe(1);
  });

  it("the runner reads back only visit events that can raise an alert (a clean check-in's own event says it cannot)", () => {
    expect(mayRaiseVisitAlert("visit.checked_in", { status: "VALID", flags: [] })).toBe(false);
    expect(mayRaiseVisitAlert("visit.checked_in", { status: "WARNING", flags: ["LOW_ACCURACY", "STALE_FIX"] })).toBe(false);
    expect(mayRaiseVisitAlert("visit.checked_in", { status: "INVALID", flags: [] })).toBe(true);
    expect(mayRaiseVisitAlert("visit.checked_in", { status: "VALID", flags: ["IMPOSSIBLE_SPEED"] })).toBe(true);
    expect(mayRaiseVisitAlert("visit.checked_in", { status: "VALID" })).toBe(true); // no flags to judge by: read it
    expect(mayRaiseVisitAlert("visit.checked_out", { status: "VALID", flags: [] })).toBe(true);
    expect(mayRaiseVisitAlert("visit.photo_added", {})).toBe(true);
  });

  it("runs from the job runner: schedules registered, and a risky check-in raises its alert from the event", async () => {
    const db = ctx.handle.db;
    const jobs = await startJobs(ctx.handle);
    try {
      const schedules = await queryRows<{ name: string }>(db, sql`SELECT name FROM pgboss.schedule ORDER BY name`);
      expect(schedules.map((s) => s.name)).toEqual([
        "alerts-check",
        "beats-materialize",
        "events-prune",
        "idempotency-keys-purge",
        "photos-purge",
        "pings-partitions",
        "push-deliveries-purge",
        "push-first-visit-reminders",
        "push-open-visit-reminders",
        "refresh-tokens-purge",
        "reports-rollup-settle",
        "reports-send",
        "sign-in-attempts-purge",
        "visits-close-overdue",
      ]);
      const rep3 = await makePerson(db, "rep", mgr.id);
      const now = new Date();
      const v = await checkIn({ db, actor: rep3, now }, { client_id: randomUUID(), location_id: l2, ...fix(13.2, 77.9, now) });
      await expect.poll(async () => (await alertsOf(rep3.id)).map((a) => a.dedupe_key), { timeout: 15_000 }).toEqual([`risk:${v.body.visit.id}:INVALID`]);
    } finally {
      await jobs.stop();
    }
  });
});
