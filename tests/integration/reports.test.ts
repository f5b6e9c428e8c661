/**
 * The report query layer (issue #20): the visits and summary reports in JSON, CSV, XLSX and PDF agree with each
 * other and with the database, scoped to the caller, with range errors named by field — on both drivers.
 * The clock is injected: "now" is a fixed Tuesday noon in the organisation's zone (Asia/Kolkata).
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { SummaryReport, VisitReportRow, VisitsReport } from "../../src/contracts/reports";
import { GET as summaryRoute } from "../../src/app/api/v1/reports/summary/route";
import { GET as visitsRoute } from "../../src/app/api/v1/reports/visits/route";
import type { Actor } from "../../src/server/auth/actor";
import { useDbHandle } from "../../src/server/db";
import { queryRows, type Db } from "../../src/server/db/client";
import { getSummaryReport, getVisitsReport, isReportFile, VISITS_PAGE, type ReportFile } from "../../src/server/reports/get-report";
import { VISIT_COLUMNS } from "../../src/server/reports/formats/columns";
import { getAnalytics } from "../../src/server/reports/analytics.queries";
import { describeEachDriver } from "../support/db";
import { parseCsv, pdfText, readAll, readXlsx } from "../support/report-files";
import { call, makeLocation, makePerson } from "../support/visits-world";

const DAY = "2026-03-10"; // a Tuesday
const NOW = new Date(`${DAY}T12:00:00+05:30`);
const WEEK = { from: "2026-03-09", to: "2026-03-15" };

async function visitsJson(db: Db, actor: Actor, q: Record<string, unknown>): Promise<VisitsReport> {
  const r = await getVisitsReport({ db, actor, now: NOW }, { format: "json", ...q } as never);
  if (isReportFile(r)) throw new Error("expected JSON");
  return r;
}
async function visitsFile(db: Db, actor: Actor, q: Record<string, unknown>): Promise<{ file: ReportFile; bytes: Buffer }> {
  const r = await getVisitsReport({ db, actor, now: NOW }, q as never);
  if (!isReportFile(r)) throw new Error("expected a file");
  return { file: r, bytes: await readAll(r.stream) };
}

describeEachDriver("reports", (ctx) => {
  let admin: Actor, mgr: Actor, otherMgr: Actor, repA: Actor, repB: Actor, otherRep: Actor;

  beforeAll(async () => {
    const db = ctx.handle.db;
    useDbHandle(ctx.handle);
    admin = await makePerson(db, "admin");
    mgr = await makePerson(db, "manager");
    otherMgr = await makePerson(db, "manager");
    repA = await makePerson(db, "rep", mgr.id);
    repB = await makePerson(db, "rep", mgr.id);
    otherRep = await makePerson(db, "rep", otherMgr.id);
    await db.execute(sql`UPDATE personnel SET employee_id = 'E-' || id WHERE id IN (${repA.id}, ${repB.id})`);
    const l1 = await makeLocation(db, 12.97, 77.59);
    const l2 = await makeLocation(db, 12.98, 77.6);
    await db.execute(sql`UPDATE locations SET name = 'Shop "North", Ltd', external_ref = 'EXT-' || id WHERE id = ${l1}`);
    // repA: Monday 2 planned (09:30 visited on time VALID with flags; 10:45 missed), Tuesday 09:30 visited late INVALID,
    // Tuesday 15:00 not yet due (upcoming at noon). repB: 5,010 visits on Monday (paging), 1 planned untimed (missed).
    const plan = async (rep: number, loc: number, date: string, seq: number, time: string | null) =>
      (await queryRows<{ id: number }>(db, sql`INSERT INTO planned_visits (personnel_id, location_id, planned_date, sequence, planned_time)
        VALUES (${rep}, ${loc}, ${date}::date, ${seq}, ${time}::time) RETURNING id`))[0]!.id;
    const visit = async (rep: number, loc: number, inAt: string, minutes: number, status: string, flags: string) =>
      (await queryRows<{ id: number }>(db, sql`INSERT INTO visits (personnel_id, location_id, check_in_time, check_out_time, duration_minutes, validation_status, flags, client_id, outcome)
        VALUES (${rep}, ${loc}, ${inAt}::timestamptz, ${inAt}::timestamptz + make_interval(mins => ${minutes}), ${minutes}, ${status}, ${flags}::text[], ${randomUUID()}, 'order')
        RETURNING id`))[0]!.id;
    const v1 = await visit(repA.id, l1, "2026-03-09T09:35:00+05:30", 25, "VALID", "{LOW_ACCURACY,STALE_FIX}");
    await db.execute(sql`INSERT INTO location_validations (visit_id, validation_type, is_valid, distance_from_location) VALUES (${v1}, 'GPS', true, 12.34)`);
    const v2 = await visit(repA.id, l2, "2026-03-10T10:20:00+05:30", 15, "INVALID", "{}");
    await db.execute(sql`UPDATE planned_visits SET visit_id = ${v1} WHERE id = ${await plan(repA.id, l1, "2026-03-09", 1, "09:30")}`);
    await plan(repA.id, l2, "2026-03-09", 2, "10:45");
    await db.execute(sql`UPDATE planned_visits SET visit_id = ${v2} WHERE id = ${await plan(repA.id, l2, "2026-03-10", 1, "09:30")}`);
    await plan(repA.id, l1, "2026-03-10", 2, "15:00");
    await plan(repB.id, l1, "2026-03-09", 1, null);
    await db.execute(sql`INSERT INTO visits (personnel_id, location_id, check_in_time, check_out_time, duration_minutes, validation_status, client_id)
      SELECT ${repB.id}, ${l2}, '2026-03-09T08:00:00+05:30'::timestamptz + make_interval(secs => g), '2026-03-09T08:00:00+05:30'::timestamptz + make_interval(secs => g + 1), 1, 'WARNING', gen_random_uuid()
      FROM generate_series(1, ${VISITS_PAGE + 10}) g`);
    await visit(otherRep.id, l1, "2026-03-09T11:00:00+05:30", 5, "VALID", "{}");
    // Outside the range (the Sunday before): never in a report of the week.
    await visit(repA.id, l1, "2026-03-08T23:59:00+05:30", 5, "VALID", "{}");
    await db.execute(sql`INSERT INTO daily_sessions (personnel_id, session_date, status, total_travel_km) VALUES (${repA.id}, '2026-03-09', 'CLOSED', 12.5), (${repA.id}, '2026-03-10', 'OPEN', 3)`);
  }, 180_000);

  it("pages the JSON visits beyond 5,000 rows and holds exactly the database's visits of the scope", async () => {
    const db = ctx.handle.db;
    const first = await visitsJson(db, mgr, WEEK);
    expect(first.rows).toHaveLength(VISITS_PAGE);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await visitsJson(db, mgr, { ...WEEK, cursor: first.next_cursor });
    expect(second.next_cursor).toBeNull();
    const ids = [...first.rows, ...second.rows].map((r) => r.visit_id);
    const expected = await queryRows<{ id: number }>(db, sql`SELECT id FROM visits WHERE personnel_id IN (${repA.id}, ${repB.id})
      AND check_in_time >= '2026-03-09T00:00:00+05:30' AND check_in_time < '2026-03-16T00:00:00+05:30' ORDER BY check_in_time, id`);
    expect(ids).toEqual(expected.map((r) => Number(r.id)));
    const a = [...first.rows, ...second.rows].find((r) => r.rep_name === repA.name)!;
    expect(a).toMatchObject({
      date: "2026-03-09", employee_id: `E-${repA.id}`, customer: 'Shop "North", Ltd', planned_time: "09:30", check_in: "2026-03-09T09:35:00",
      check_out: "2026-03-09T10:00:00", minutes: 25, verdict: "VALID", distance_m: 12.34, flags: ["LOW_ACCURACY", "STALE_FIX"], selfie: false, outcome: "order",
    });
    expect(first.team).toBe(`${mgr.name}'s team`);
  });

  it("writes the same rows as CSV (BOM, quoted), XLSX (typed cells, frozen header) and PDF (text, pages)", async () => {
    const db = ctx.handle.db;
    const q = { ...WEEK, personnel_id: repA.id };
    const json = (await visitsJson(db, mgr, q)).rows;
    expect(json).toHaveLength(2);
    const asText = (r: VisitReportRow) => VISIT_COLUMNS.map((c) => { const v = c.get(r); return v == null ? "" : typeof v === "boolean" ? (v ? "yes" : "no") : String(v); });

    const csv = await visitsFile(db, mgr, { ...q, format: "csv" });
    expect(csv.file.contentType).toMatch(/^text\/csv/);
    const parsed = parseCsv(csv.bytes);
    expect(parsed.bom).toBe(true);
    expect(parsed.header).toEqual(VISIT_COLUMNS.map((c) => c.header));
    expect(parsed.rows).toEqual(json.map(asText));

    const xlsx = await visitsFile(db, mgr, { ...q, format: "xlsx" });
    const book = await readXlsx(xlsx.bytes);
    expect(book.sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(book.rows[0]).toEqual(VISIT_COLUMNS.map((c) => c.header));
    expect(book.rows).toHaveLength(json.length + 1);
    const row1 = book.rows[1]!;
    expect(row1[0]).toEqual(new Date("2026-03-09T00:00:00Z")); // a date cell, not text
    expect(row1[6]).toEqual(new Date("2026-03-09T09:35:00Z")); // org-local wall clock
    expect(row1[8]).toBe(25);
    expect(row1[10]).toBe(12.34);
    expect(row1[12]).toBe(false);
    expect(book.sheet.getColumn(4).width).toBe(VISIT_COLUMNS[3]!.width);

    const pdf = await visitsFile(db, mgr, { ...q, format: "pdf" });
    expect(pdf.bytes.subarray(0, 5).toString()).toBe("%PDF-");
    const text = pdfText(pdf.bytes);
    for (const s of ["Visits report", `Team: ${repA.name}`, "Period: 2026-03-09 to 2026-03-15 (Asia/Kolkata)", "Visits: 2 (valid 1, warning 0, invalid 1)", "Page 1", "2026-03-10 10:20", "2026-03-09 10:00", "INVALID", "Distance m", "LOW_ACCURACY STALE_FIX"]) {
      expect(text).toContain(s);
    }
  });

  it("streams a large CSV and XLSX with one row per visit", async () => {
    const db = ctx.handle.db;
    const csv = parseCsv((await visitsFile(db, mgr, { ...WEEK, format: "csv" })).bytes);
    expect(csv.rows).toHaveLength(VISITS_PAGE + 12);
    const xlsx = await readXlsx((await visitsFile(db, mgr, { ...WEEK, format: "xlsx" })).bytes);
    expect(xlsx.rows).toHaveLength(VISITS_PAGE + 13);
    const pdf = pdfText((await visitsFile(db, mgr, { from: "2026-03-10", to: "2026-03-10", format: "pdf" })).bytes);
    expect(pdf).toContain("Page 1");
  }, 120_000);

  it("summarises per rep, day and week; only due planned stops count for completion and on-time", async () => {
    const db = ctx.handle.db;
    const byRep = (await getSummaryReport({ db, actor: mgr, now: NOW }, { ...WEEK, group_by: "rep", format: "json" })) as SummaryReport;
    const a = byRep.rows.find((r) => r.key === String(repA.id))!;
    // 4 planned, 3 due (15:00 today is upcoming), 2 visited, 1 of 3 timed due stops on time.
    expect(a).toMatchObject({ label: repA.name, planned: 4, due: 3, visited: 2, completion_pct: 66.7, on_time_pct: 33.3, visits: 2, valid: 1, invalid: 1, minutes: 40, km: 15.5, flags: 2 });
    const b = byRep.rows.find((r) => r.key === String(repB.id))!;
    expect(b).toMatchObject({ planned: 1, due: 1, visited: 0, completion_pct: 0, on_time_pct: null, visits: VISITS_PAGE + 10, warning: VISITS_PAGE + 10 });
    expect(byRep.rows.map((r) => r.key).sort()).toEqual([String(repA.id), String(repB.id)].sort());
    expect(byRep.totals).toMatchObject({ planned: 5, due: 4, visited: 2, completion_pct: 50, visits: VISITS_PAGE + 12 });

    const byDay = (await getSummaryReport({ db, actor: mgr, now: NOW }, { ...WEEK, group_by: "day", format: "json" })) as SummaryReport;
    expect(byDay.rows.map((r) => r.key)).toEqual(["2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12", "2026-03-13", "2026-03-14", "2026-03-15"]);
    expect(byDay.rows[1]).toMatchObject({ planned: 2, due: 1, visited: 1, on_time_pct: 0, visits: 1, km: 3 });
    expect(byDay.totals).toEqual({ ...byRep.totals, key: "total", label: "Total" });
    const byWeek = (await getSummaryReport({ db, actor: mgr, now: NOW }, { from: "2026-03-01", to: "2026-03-15", group_by: "week", format: "json" })) as SummaryReport;
    expect(byWeek.rows.map((r) => r.key)).toEqual(["2026-02-23", "2026-03-02", "2026-03-09"]);
    expect(byWeek.rows[2]).toMatchObject({ visits: VISITS_PAGE + 12 });
    expect(byWeek.rows[1]).toMatchObject({ visits: 1 }); // the Sunday visit
    expect(byWeek.rows[2]).toMatchObject({ on_time_pct: 33.3 });

    for (const format of ["csv", "xlsx", "pdf"] as const) {
      const file = (await getSummaryReport({ db, actor: mgr, now: NOW }, { ...WEEK, group_by: "rep", format })) as ReportFile;
      const bytes = await readAll(file.stream);
      if (format === "csv") expect(parseCsv(bytes).rows.at(-1)).toEqual(["Total", "5", "4", "2", "50", "33.3", String(VISITS_PAGE + 12), "1", String(VISITS_PAGE + 10), "1", String(40 + VISITS_PAGE + 10), "15.5", "2"]);
      if (format === "xlsx") expect((await readXlsx(bytes)).rows.at(-1)).toEqual(["Total", 5, 4, 2, 50, 33.3, VISITS_PAGE + 12, 1, VISITS_PAGE + 10, 1, 40 + VISITS_PAGE + 10, 15.5, 2]);
      if (format === "pdf") expect(pdfText(bytes)).toContain("completion: 50 %");
    }
  });

  describe("scope", () => {
    it("a rep sees their own rows; asking for someone else is a 404", async () => {
      const db = ctx.handle.db;
      const own = await visitsJson(db, repA, WEEK);
      expect(new Set(own.rows.map((r) => r.rep_name))).toEqual(new Set([repA.name]));
      await expect(visitsJson(db, repA, { ...WEEK, personnel_id: repB.id })).rejects.toMatchObject({ status: 404 });
      const s = (await getSummaryReport({ db, actor: repA, now: NOW }, { ...WEEK, group_by: "rep", format: "json" })) as SummaryReport;
      expect(s.rows.map((r) => r.key)).toEqual([String(repA.id)]);
    });
    it("a manager sees the subtree only; an admin sees everyone", async () => {
      const db = ctx.handle.db;
      await expect(visitsJson(db, mgr, { ...WEEK, personnel_id: otherRep.id })).rejects.toMatchObject({ status: 404 });
      const other = await visitsJson(db, otherMgr, WEEK);
      expect(other.rows.map((r) => r.rep_name)).toEqual([otherRep.name]);
      const all = (await getSummaryReport({ db, actor: admin, now: NOW }, { ...WEEK, group_by: "rep", format: "json" })) as SummaryReport;
      expect(all.totals.visits).toBe(VISITS_PAGE + 13);
    });
    it("a manager's personnel_id stands for their team (the Reports page's team filter), inside the caller's scope", async () => {
      const db = ctx.handle.db;
      const team = (await getSummaryReport({ db, actor: admin, now: NOW }, { ...WEEK, personnel_id: otherMgr.id, group_by: "rep", format: "json" })) as SummaryReport;
      expect(team.team).toBe(`${otherMgr.name}'s team`);
      expect(team.rows.map((r) => r.key)).toEqual([String(otherRep.id)]);
      const whole = (await getSummaryReport({ db, actor: mgr, now: NOW }, { ...WEEK, group_by: "rep", format: "json" })) as SummaryReport;
      const viaId = (await getSummaryReport({ db, actor: admin, now: NOW }, { ...WEEK, personnel_id: mgr.id, group_by: "rep", format: "json" })) as SummaryReport;
      expect(viaId.rows).toEqual(whole.rows);
      await expect(visitsJson(db, mgr, { ...WEEK, personnel_id: otherMgr.id })).rejects.toMatchObject({ status: 404 });
    });
  });

  it("answers range errors with 400 and the field, through the route", async () => {
    useDbHandle(ctx.handle);
    const bad = async (qs: string, field: string) => {
      const res = await call(visitsRoute, `/api/v1/reports/visits?${qs}`, { as: mgr.id });
      expect(res.status, qs).toBe(400);
      expect(res.body.error.field, qs).toBe(field);
    };
    await bad("from=2026-03-10&to=2026-03-09", "to");
    await bad("from=2025-01-01&to=2026-01-02", "to");
    await bad("from=2026-02-31&to=2026-03-01", "from");
    await bad("from=2026-03-01", "to");
    await bad("from=2026-03-01&to=2026-03-02&format=doc", "format");
    await bad("from=2026-03-01&to=2026-03-02&cursor=nonsense", "cursor");
    const ok = await call(summaryRoute, `/api/v1/reports/summary?from=2025-01-01&to=2026-01-01&group_by=week`, { as: mgr.id });
    expect(ok.status).toBe(200);
    const rep = await call(summaryRoute, `/api/v1/reports/summary?from=2026-03-01&to=2026-03-02&personnel_id=${repB.id}`, { as: repA.id });
    expect(rep.status).toBe(404);
  });

  it("builds the analytics from the same layer: weekly trends vs the previous period, reps, beats, heat cells", async () => {
    const db = ctx.handle.db;
    await db.execute(sql`UPDATE visits SET check_in_coords = ST_SetSRID(ST_MakePoint(77.591, 12.971), 4326)::geography WHERE personnel_id = ${repA.id}`);
    const a = await getAnalytics({ db, actor: mgr, now: NOW }, 4);
    expect(a).toMatchObject({ from: "2026-02-16", to: DAY, weeks: 4 });
    expect(a.trends.map((t) => t.key)).toEqual(["2026-02-16", "2026-02-23", "2026-03-02", "2026-03-09"]);
    const week = (await getSummaryReport({ db, actor: mgr, now: NOW }, { from: "2026-02-16", to: DAY, group_by: "rep", format: "json" })) as SummaryReport;
    expect(a.current).toEqual(week.totals);
    expect(a.previous.visits).toBe(0);
    expect(a.reps).toEqual(week.rows);
    expect(a.beats.reduce((n, b) => n + b.planned, 0)).toBe(5);
    expect(a.heat.cells.reduce((n, c) => n + c.visits, 0)).toBe(3); // repA's visits with a fix, Sunday's included
    expect(a.heat.cells.length).toBeLessThanOrEqual(20_000);
    await expect(getAnalytics({ db, actor: repA, now: NOW }, 4)).rejects.toMatchObject({ status: 403 });
  });
});
