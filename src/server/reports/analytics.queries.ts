import "server-only";
import { sql } from "drizzle-orm";
import type { SummaryRow } from "@/contracts/reports";
import { addDays, isoWeekday } from "@/lib/time";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { queryRows } from "../db/client";
import { reportRange, reportScope, reportToday, type ReportRange, type ReportScope } from "./report-range";
import { publicRow, summaryRows, summaryTotals } from "./summary.queries";

/** At most this many heat-map cells: the grid coarsens until the visits fit. */
export const MAX_HEAT_CELLS = 20_000;

export type HeatCell = { lat: number; lon: number; visits: number };
export type BeatRow = { location_id: number; customer: string; planned: number; visited: number; compliance_pct: number | null };
export type Analytics = {
  from: string;
  to: string;
  weeks: number;
  trends: SummaryRow[];
  current: SummaryRow;
  previous: SummaryRow;
  reps: SummaryRow[];
  beats: BeatRow[];
  heat: { cell_deg: number; cells: HeatCell[] };
};

/**
 * The Analytics page, from the reports' query layer: `weeks` whole ISO weeks ending with the current one, per week;
 * the same span just before for comparison; the rep comparison; beat compliance (planned vs visited by customer);
 * and the visits aggregated into grid cells on the server (never more than MAX_HEAT_CELLS).
 */
export async function getAnalytics(ctx: Ctx, weeks: number): Promise<Analytics> {
  requirePermission(ctx.actor, "team.read");
  const scope = await reportScope(ctx, undefined);
  const today = await reportToday(ctx);
  const monday = addDays(today, 1 - isoWeekday(today));
  const from = addDays(monday, -7 * (weeks - 1));
  const r = await reportRange(ctx, { from, to: today });
  const prev = await reportRange(ctx, { from: addDays(from, -7 * weeks), to: addDays(from, -1) });
  const [trendsRaw, prevRaw, repsRaw, beats, heat] = [
    await summaryRows(ctx.db, scope, r, "week", ctx.now),
    await summaryRows(ctx.db, scope, prev, "week", ctx.now),
    await summaryRows(ctx.db, scope, r, "rep", ctx.now),
    await beatCompliance(ctx, scope, r),
    await heatCells(ctx, scope, r),
  ];
  return {
    from: r.from,
    to: r.to,
    weeks,
    trends: trendsRaw.map(publicRow),
    current: publicRow(summaryTotals(trendsRaw)),
    previous: publicRow(summaryTotals(prevRaw)),
    reps: repsRaw.map(publicRow),
    beats,
    heat,
  };
}

async function beatCompliance(ctx: Ctx, scope: ReportScope, r: ReportRange): Promise<BeatRow[]> {
  const rows = await queryRows<Record<string, unknown>>(
    ctx.db,
    sql`SELECT l.id, l.name, count(*) AS planned, count(p.visit_id) AS visited
        FROM planned_visits p JOIN locations l ON l.id = p.location_id
        WHERE p.personnel_id IN (${scope.ids}) AND p.planned_date BETWEEN ${r.from}::date AND ${r.to}::date
        GROUP BY l.id, l.name
        ORDER BY count(p.visit_id)::float / count(*), count(*) DESC, l.name
        LIMIT 200`,
  );
  return rows.map((x) => {
    const planned = Number(x.planned), visited = Number(x.visited);
    return { location_id: Number(x.id), customer: String(x.name), planned, visited, compliance_pct: planned ? Math.round((visited / planned) * 1000) / 10 : null };
  });
}

async function heatCells(ctx: Ctx, scope: ReportScope, r: ReportRange): Promise<Analytics["heat"]> {
  for (const cell of [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]) {
    const rows = await queryRows<{ lat: number; lon: number; visits: number }>(
      ctx.db,
      sql`SELECT (floor(ST_Y(check_in_coords::geometry) / ${cell}) + 0.5) * ${cell} AS lat, (floor(ST_X(check_in_coords::geometry) / ${cell}) + 0.5) * ${cell} AS lon, count(*) AS visits
          FROM visits WHERE personnel_id IN (${scope.ids}) AND check_in_coords IS NOT NULL
            AND check_in_time >= ${r.start.toISOString()}::timestamptz AND check_in_time < ${r.end.toISOString()}::timestamptz
          GROUP BY 1, 2 LIMIT ${MAX_HEAT_CELLS + 1}`,
    );
    if (rows.length <= MAX_HEAT_CELLS) return { cell_deg: cell, cells: rows.map((x) => ({ lat: Number(x.lat), lon: Number(x.lon), visits: Number(x.visits) })) };
  }
  return { cell_deg: 1, cells: [] };
}
