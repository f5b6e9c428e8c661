/**
 * A rep is never stuck with an open visit: a manager (or admin) closes a forgotten one (route and action, one
 * use-case; audited, flagged CLOSED_BY_MANAGER, idempotent on client_id), the end-of-day job closes visits left
 * open past work hours (AUTO_CLOSED, one alert each, safe to rerun), and a review answers the visit's open alert.
 */
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, expect, it } from "vitest";
import { POST as closeRoute } from "../../src/app/api/v1/visits/[id]/close/route";
import { raiseAlerts } from "../../src/server/alerts/raise-alert";
import { useDbHandle } from "../../src/server/db";
import { queryRows, type Db } from "../../src/server/db/client";
import { invokeAction } from "../../src/server/http/action";
import { JOBS } from "../../src/server/jobs/registry";
import { endSession } from "../../src/server/sessions/end-session";
import { startSession } from "../../src/server/sessions/start-session";
import { checkIn } from "../../src/server/visits/check-in";
import { closeOverdueVisits } from "../../src/server/visits/close-overdue-visits";
import { reviewVisit } from "../../src/server/visits/review-visit";
import { closeVisitAction } from "../../src/server/visits/visits.actions";
import { zonedInstant } from "../../src/lib/time";
import { describeEachDriver } from "../support/db";
import { call, ctxFor, makeLocation, makePerson, uuid } from "../support/visits-world";

async function openVisit(db: Db, personnelId: number, locationId: number, checkInAt: Date): Promise<number> {
  const [row] = await queryRows<{ id: number }>(
    db,
    sql`INSERT INTO visits (personnel_id, location_id, planned_date, check_in_time, check_in_coords, client_id, validation_status, validated)
        VALUES (${personnelId}, ${locationId}, ${checkInAt.toISOString().slice(0, 10)}::date, ${checkInAt.toISOString()}::timestamptz,
                ST_SetSRID(ST_MakePoint(77.59, 12.97), 4326)::geography, ${uuid()}, 'VALID', true) RETURNING id`,
  );
  return Number(row!.id);
}

const visitRow = async (db: Db, id: number) =>
  (await queryRows<{ check_out_time: Date | string | null; flags: string[]; duration_minutes: number | null }>(db, sql`SELECT check_out_time, flags, duration_minutes FROM visits WHERE id = ${id}`))[0]!;

describeEachDriver("closing forgotten visits", (ctx) => {
  // Routes and actions reach the database through the app's handle: this file's fresh database.
  beforeEach(() => useDbHandle(ctx.handle));
  afterEach(() => useDbHandle(undefined));

  it("a manager closes a rep's forgotten visit through the route; the rep can then end the day and check in again", async () => {
    const db = ctx.handle.db;
    const manager = await makePerson(db, "manager");
    const rep = await makePerson(db, "rep", manager.id);
    const loc = await makeLocation(db, 12.97, 77.59);
    await startSession(ctxFor(db, rep), { client_id: uuid() });
    const { body } = await checkIn(ctxFor(db, rep), { client_id: uuid(), location_id: loc, lat: 12.97, lon: 77.59, accuracy_m: 8, captured_at: new Date().toISOString() });
    const visitId = body.visit.id;
    await expect(endSession(ctxFor(db, rep), { client_id: uuid() })).rejects.toMatchObject({ code: "VISIT_STILL_OPEN" });

    const clientId = uuid();
    const req = { as: manager.id, params: { id: String(visitId) }, body: { client_id: clientId, reason: "Forgot at the shop" } };
    const first = await call(closeRoute, `/api/v1/visits/${visitId}/close`, req);
    expect(first.status).toBe(200);
    expect(first.body.visit.flags).toContain("CLOSED_BY_MANAGER");
    expect(first.body.visit.check_out_time).not.toBeNull();
    // Idempotent on client_id: the same request answers the first result and writes nothing more; another body is a 409.
    const replay = await call(closeRoute, `/api/v1/visits/${visitId}/close`, req);
    expect(replay.body).toEqual(first.body);
    const reused = await call(closeRoute, `/api/v1/visits/${visitId}/close`, { ...req, body: { client_id: clientId, reason: "other" } });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe("CLIENT_ID_REUSED");
    const again = await call(closeRoute, `/api/v1/visits/${visitId}/close`, { ...req, body: { client_id: uuid() } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("VISIT_ALREADY_CLOSED");

    const audit = await queryRows<{ n: number; reason: string }>(
      db,
      sql`SELECT count(*)::int AS n, max(details->>'reason') AS reason FROM audit_log WHERE action = 'visit.closed_by_manager' AND subject_id = ${String(visitId)} AND actor_id = ${manager.id}`,
    );
    expect(audit[0]).toEqual({ n: 1, reason: "Forgot at the shop" });
    const events = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM events WHERE type = 'visit.checked_out' AND visit_id = ${visitId}`);
    expect(events[0]!.n).toBe(1);

    const ended = await endSession(ctxFor(db, rep), { client_id: uuid() });
    expect(ended.session.status).toBe("CLOSED");
  });

  it("through the server action too; another team's manager gets 404 and a rep 403", async () => {
    const db = ctx.handle.db;
    const manager = await makePerson(db, "manager");
    const other = await makePerson(db, "manager");
    const rep = await makePerson(db, "rep", manager.id);
    const loc = await makeLocation(db, 12.97, 77.59);
    const visitId = await openVisit(db, rep.id, loc, new Date(Date.now() - 60_000));
    expect(await invokeAction(closeVisitAction.def, other, { client_id: uuid(), visit_id: visitId })).toMatchObject({ ok: false, status: 404 });
    expect(await invokeAction(closeVisitAction.def, rep, { client_id: uuid(), visit_id: visitId })).toMatchObject({ ok: false, status: 403 });
    expect((await visitRow(db, visitId)).check_out_time).toBeNull();
    const res = await invokeAction(closeVisitAction.def, manager, { client_id: uuid(), visit_id: String(visitId), reason: "" });
    expect(res).toMatchObject({ ok: true });
    expect((await visitRow(db, visitId)).flags).toEqual(["CLOSED_BY_MANAGER"]);
  });

  it("the end-of-day job closes visits open past work hours at the end of the work day (AUTO_CLOSED, one alert each) and leaves others open", async () => {
    const db = ctx.handle.db;
    await db.execute(sql`UPDATE org_settings SET time_zone = 'Asia/Kolkata', work_day_start = '09:00', work_day_end = '19:00' WHERE id = 1`);
    const manager = await makePerson(db, "manager");
    const rep = await makePerson(db, "rep", manager.id);
    const rep2 = await makePerson(db, "rep", manager.id);
    const loc = await makeLocation(db, 12.97, 77.59);
    const day = "2026-11-10";
    const workEnd = zonedInstant(day, 19 * 60, "Asia/Kolkata");
    const forgotten = await openVisit(db, rep.id, loc, zonedInstant(day, 16 * 60, "Asia/Kolkata"));
    const stillInHours = await openVisit(db, rep2.id, loc, zonedInstant(day, 18 * 60, "Asia/Kolkata"));

    // 18:30 local: nothing is overdue yet.
    expect(await closeOverdueVisits(db, zonedInstant(day, 18 * 60 + 30, "Asia/Kolkata"))).toEqual({ closed: 0, alerts: 0 });
    const job = JOBS.find((j) => j.name === "visits-close-overdue");
    expect(job).toBeDefined();
    const at = zonedInstant(day, 19 * 60 + 15, "Asia/Kolkata");
    expect(await job!.run(db, at)).toEqual({ closed: 2, alerts: 2 });
    for (const id of [forgotten, stillInHours]) {
      const v = await visitRow(db, id);
      expect(v.flags).toEqual(["AUTO_CLOSED"]);
      expect(new Date(v.check_out_time!).toISOString()).toBe(workEnd.toISOString());
    }
    expect((await visitRow(db, forgotten)).duration_minutes).toBe(180);
    const alerts = await queryRows<{ kind: string; visit_id: number }>(db, sql`SELECT kind, visit_id FROM alerts WHERE visit_id IN (${forgotten}, ${stillInHours}) ORDER BY visit_id`);
    expect(alerts).toEqual([{ kind: "missing_check_out", visit_id: forgotten }, { kind: "missing_check_out", visit_id: stillInHours }]);
    // A rerun changes nothing.
    expect(await closeOverdueVisits(db, new Date(at.getTime() + 900_000))).toEqual({ closed: 0, alerts: 0 });

    // Checked in after hours: an hour's grace, then closed at its check-in.
    const late = await openVisit(db, rep.id, loc, zonedInstant(day, 20 * 60, "Asia/Kolkata"));
    expect(await closeOverdueVisits(db, zonedInstant(day, 20 * 60 + 30, "Asia/Kolkata"))).toEqual({ closed: 0, alerts: 0 });
    expect(await closeOverdueVisits(db, zonedInstant(day, 21 * 60 + 1, "Asia/Kolkata"))).toEqual({ closed: 1, alerts: 1 });
    expect((await visitRow(db, late)).duration_minutes).toBe(0);
  });

  it("approving or rejecting a visit acknowledges its open review alert (audited, pushed live)", async () => {
    const db = ctx.handle.db;
    const manager = await makePerson(db, "manager");
    const rep = await makePerson(db, "rep", manager.id);
    const loc = await makeLocation(db, 12.97, 77.59);
    const visitId = await openVisit(db, rep.id, loc, new Date(Date.now() - 60_000));
    await raiseAlerts(db, [{ kind: "risky_visit", severity: "warning", personnelId: rep.id, visitId, message: "Check-in outside the fence", dedupeKey: `test-risky:${visitId}` }], new Date());
    await reviewVisit(ctxFor(db, manager), { client_id: uuid(), visit_id: visitId, decision: "APPROVED", comment: "" });
    const [alert] = await queryRows<{ id: number; acknowledged_by: number | null }>(db, sql`SELECT id, acknowledged_by FROM alerts WHERE visit_id = ${visitId}`);
    expect(Number(alert!.acknowledged_by)).toBe(manager.id);
    const audit = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'alert.acknowledged' AND subject_id = ${String(alert!.id)}`);
    expect(audit[0]!.n).toBe(1);
    const ev = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM events WHERE type = 'alert.acknowledged' AND visit_id = ${visitId}`);
    expect(ev[0]!.n).toBe(1);
  });
  it("a check-out fix always has its time (CHECK); a closed-for-the-rep visit has a time and no fix", async () => {
    const db = ctx.handle.db;
    const manager = await makePerson(db, "manager");
    const rep = await makePerson(db, "rep", manager.id);
    const loc = await makeLocation(db, 12.97, 77.59);
    const visitId = await openVisit(db, rep.id, loc, new Date(Date.now() - 60_000));
    // Coordinates without a time: refused by the database, whoever writes.
    await expect(db.execute(sql`UPDATE visits SET check_out_coords = check_in_coords WHERE id = ${visitId}`)).rejects.toSatisfy((e: unknown) =>
      JSON.stringify(e, Object.getOwnPropertyNames(e)).includes("visits_check_out_fix_has_time") || String((e as { cause?: unknown }).cause).includes("visits_check_out_fix_has_time"),
    );
    await expect(db.execute(sql`UPDATE visits SET check_in_time = NULL WHERE id = ${visitId}`)).rejects.toBeTruthy();
    // A manager's close: a time, no invented position.
    const closed = await call(closeRoute, `/api/v1/visits/${visitId}/close`, { as: manager.id, params: { id: String(visitId) }, body: { client_id: uuid(), reason: "" } });
    expect(closed.status).toBe(200);
    const [row] = await queryRows<{ has_time: boolean; has_fix: boolean }>(db, sql`SELECT check_out_time IS NOT NULL AS has_time, check_out_coords IS NOT NULL AS has_fix FROM visits WHERE id = ${visitId}`);
    expect(row).toEqual({ has_time: true, has_fix: false });
  });
});
