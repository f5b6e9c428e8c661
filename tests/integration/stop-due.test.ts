/**
 * One stop-due rule (contracts/field-rules.ts) behind every place that says "missed", "due" or "late" (issue #21):
 * the rep timeline, the KPIs (team and rep), the per-day figures, the summary report and the late check-in alert all
 * wait for planned time + the organisation's late threshold, read from its settings; and the rule's SQL form gives
 * the same answers as the TypeScript one at the boundaries, on both drivers.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { checkInOnTime, stopDeadline, stopIsDue, type StopClock } from "../../src/contracts/field-rules";
import { checkAlerts } from "../../src/server/alerts/check-alerts";
import type { Actor } from "../../src/server/auth/actor";
import { getPersonnelSummary } from "../../src/server/dashboard/personnel-summary";
import { checkInOnTimeSql, stopDueSql } from "../../src/server/dashboard/stop-due";
import { getTeamSummary } from "../../src/server/dashboard/team-summary";
import { useDbHandle } from "../../src/server/db";
import { queryRows } from "../../src/server/db/client";
import { invokeAction } from "../../src/server/http/action";
import { getSummaryReport } from "../../src/server/reports/get-report";
import { updateOrgSettingsAction } from "../../src/server/settings/settings.actions";
import { getOrgSettings } from "../../src/server/settings/org-settings";
import { summaryReportQuery, type SummaryReport } from "../../src/contracts/reports";
import { describeEachDriver } from "../support/db";
import { makeLocation, makePerson } from "../support/visits-world";

const DAY = "2026-03-10"; // a Tuesday; the organisation is in Asia/Kolkata (UTC+05:30)
const at = (hhmm: string) => new Date(`${DAY}T${hhmm}:00+05:30`);
const MIN = 60_000;
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

describeEachDriver("the stop-due rule", (ctx) => {
  let admin: Actor, mgr: Actor, rep: Actor;
  let late = 0;
  let plannedId = 0;

  beforeAll(async () => {
    const db = ctx.handle.db;
    useDbHandle(ctx.handle);
    admin = await makePerson(db, "admin");
    mgr = await makePerson(db, "manager");
    rep = await makePerson(db, "rep", mgr.id);
    // A threshold that is not the default, set as an admin sets it; everything below reads it back from settings.
    expect(await invokeAction(updateOrgSettingsAction.def, admin, { client_id: randomUUID(), alert_late_check_in_minutes: 25 })).toMatchObject({ ok: true });
    late = (await getOrgSettings(db)).alert_late_check_in_minutes;
    const loc = await makeLocation(db, 12.97, 77.59);
    [{ id: plannedId }] = (await queryRows<{ id: number }>(
      db,
      sql`INSERT INTO planned_visits (personnel_id, location_id, planned_date, sequence, planned_time) VALUES (${rep.id}, ${loc}, ${DAY}::date, 1, '09:30') RETURNING id`,
    )) as [{ id: number }];
  }, 120_000);

  it("gives the same answers in SQL and in TypeScript at the boundaries (zones, no planned time, a DST change)", async () => {
    const clocks: StopClock[] = [
      { timeZone: "Asia/Kolkata", lateMinutes: late },
      { timeZone: "America/New_York", lateMinutes: 5 },
      { timeZone: "Europe/Berlin", lateMinutes: 720 },
    ];
    const stops = [
      { date: DAY, planned_time: "09:30" },
      { date: DAY, planned_time: null },
      { date: "2026-11-01", planned_time: "09:00" }, // New York leaves daylight time that morning
      { date: "2026-03-29", planned_time: "23:50" }, // Berlin enters daylight time that night; the deadline is the next day
    ];
    for (const clock of clocks)
      for (const stop of stops) {
        const deadline = stopDeadline(stop, clock);
        for (const now of [plus(deadline, -MIN), plus(deadline, -1), deadline, plus(deadline, 1), plus(deadline, MIN)]) {
          const time = stop.planned_time ? sql`${stop.planned_time}::time` : sql`NULL::time`;
          const [row] = await queryRows<{ due: boolean; on_time: boolean }>(
            ctx.handle.db,
            sql`SELECT ${stopDueSql(sql`${stop.date}::date`, time, sql`false`, now, clock)} AS due,
                       ${checkInOnTimeSql(sql`${stop.date}::date`, time, sql`${now.toISOString()}::timestamptz`, clock)} AS on_time`,
          );
          const what = `${clock.timeZone} +${clock.lateMinutes} ${stop.date} ${stop.planned_time} at ${now.toISOString()}`;
          expect({ what, due: row!.due, on_time: row!.on_time }).toEqual({ what, due: stopIsDue({ ...stop, checked_in: false }, now, clock), on_time: checkInOnTime(stop, now, clock) });
        }
      }
  });

  it("keeps an unvisited 09:30 stop upcoming until 09:30 + the threshold, everywhere, then missed and alerted", async () => {
    const db = ctx.handle.db;
    const deadline = plus(at("09:30"), late * MIN);
    const lateAlerts = async () =>
      Number((await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM alerts WHERE kind = 'late_check_in' AND planned_visit_id = ${plannedId}`))[0]!.n);
    for (const [now, missed] of [
      [at("03:00"), false],
      [at("09:30"), false],
      [plus(deadline, -MIN), false],
      [deadline, false],
      [plus(deadline, MIN), true],
    ] as const) {
      const c = { db, actor: mgr, now };
      const person = await getPersonnelSummary(c, rep.id, { from: DAY, to: DAY });
      const team = await getTeamSummary(c, { from: DAY, to: DAY });
      const report = (await getSummaryReport(c, summaryReportQuery.parse({ from: DAY, to: DAY, personnel_id: String(rep.id) }))) as SummaryReport;
      await checkAlerts(db, now);
      expect({
        at: now.toISOString(),
        timeline: person.timeline.map((t) => t.state),
        rep_due: person.kpis.due,
        rep_timed: person.days[0]!.timed,
        team_due: team.kpis.due,
        completion: team.kpis.completion_pct,
        report_due: report.totals.due,
        alerts: await lateAlerts(),
      }).toEqual({
        at: now.toISOString(),
        timeline: [missed ? "missed" : "upcoming"],
        rep_due: missed ? 1 : 0,
        rep_timed: missed ? 1 : 0,
        team_due: missed ? 1 : 0,
        completion: missed ? 0 : null,
        report_due: missed ? 1 : 0,
        alerts: missed ? 1 : 0,
      });
    }
  });
});
