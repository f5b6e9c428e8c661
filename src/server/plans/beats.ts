import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { canSeePersonnel, visiblePersonnelIds } from "../auth/scope";
import { queryRows, type Db } from "../db/client";
import { notFound, validationFailed } from "../errors";
import { idempotent } from "../idempotency";
import type { BeatJson, CreateBeatRequest, PatchBeatRequest } from "@/contracts/beats";
import { materializeBeats } from "./materialize-beats";
import { orgDay } from "./day-plan";
import { emitEvent } from "../realtime/outbox";

type BeatRow = {
  id: number;
  personnel_id: number;
  name: string;
  weekdays: number[];
  every_weeks: number;
  starts_on: string;
  ends_on: string | null;
  stops: unknown;
  keep_order: boolean;
  active: boolean;
  created_at: string | Date;
  updated_at: string | Date;
};

const COLUMNS = sql`id, personnel_id, name, weekdays, every_weeks, starts_on::text AS starts_on, ends_on::text AS ends_on, stops, keep_order, active, created_at, updated_at`;
const isoTime = (v: string | Date) => (v instanceof Date ? v : new Date(v)).toISOString();

export function toBeat(r: BeatRow): BeatJson {
  const stops = (typeof r.stops === "string" ? JSON.parse(r.stops) : r.stops) as { location_id: number; planned_time: string | null }[];
  return {
    id: Number(r.id),
    personnel_id: Number(r.personnel_id),
    name: r.name,
    weekdays: (typeof r.weekdays === "string" ? JSON.parse(String(r.weekdays).replace("{", "[").replace("}", "]")) : r.weekdays).map(Number),
    every_weeks: Number(r.every_weeks),
    starts_on: r.starts_on,
    ends_on: r.ends_on,
    stops: stops.map((s) => ({ location_id: Number(s.location_id), planned_time: s.planned_time ?? null })),
    keep_order: Boolean(r.keep_order),
    active: Boolean(r.active),
    created_at: isoTime(r.created_at),
    updated_at: isoTime(r.updated_at),
  };
}

async function requireScope(ctx: Ctx, personnelId: number) {
  if (!(await canSeePersonnel(ctx, personnelId))) throw notFound("Rep not found.");
}

async function loadBeat(ctx: Ctx, id: number, lock = false): Promise<BeatRow> {
  const [row] = await queryRows<BeatRow>(ctx.db, sql`SELECT ${COLUMNS} FROM beats WHERE id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`);
  if (!row || !(await canSeePersonnel(ctx, Number(row.personnel_id)))) throw notFound("Beat not found.");
  return row;
}

async function checkLocations(db: Db, stops: { location_id: number }[]) {
  const ids = [...new Set(stops.map((s) => s.location_id))];
  const found = await queryRows<{ id: number }>(db, sql`SELECT id FROM locations WHERE id IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`);
  const known = new Set(found.map((r) => Number(r.id)));
  const bad = stops.findIndex((s) => !known.has(s.location_id));
  if (bad >= 0) throw validationFailed("No such location.", `stops.${bad}.location_id`);
}

const weekdaysLiteral = (w: number[]) => `{${[...w].sort((a, b) => a - b).join(",")}}`;
const stopsJson = (stops: { location_id: number; planned_time?: string | null }[]) => JSON.stringify(stops.map((s) => ({ location_id: s.location_id, planned_time: s.planned_time ?? null })));

/**
 * Days this beat wrote that nobody has touched since (source 'beat', nothing visited, today or later) are taken back,
 * so the job writes them again from the beat as it now stands.
 */
async function releaseBeatDays(db: Db, beatId: number, today: string) {
  const days = await queryRows<{ personnel_id: number; plan_date: string }>(
    db,
    sql`DELETE FROM plan_days d WHERE d.beat_id = ${beatId} AND d.source = 'beat' AND d.plan_date >= ${today}::date
          AND NOT EXISTS (SELECT 1 FROM planned_visits pv WHERE pv.personnel_id = d.personnel_id AND pv.planned_date = d.plan_date AND pv.visit_id IS NOT NULL)
        RETURNING d.personnel_id, d.plan_date::text AS plan_date`,
  );
  for (const d of days) {
    await db.execute(sql`DELETE FROM planned_visits WHERE personnel_id = ${d.personnel_id} AND planned_date = ${d.plan_date}::date AND visit_id IS NULL`);
    await emitEvent(db, { type: "plan.changed", personnelId: Number(d.personnel_id), payload: { date: d.plan_date, source: "none" } });
  }
}

export async function listBeats(ctx: Ctx, personnelId?: number): Promise<BeatJson[]> {
  requirePermission(ctx.actor, "beats.read");
  if (personnelId !== undefined) await requireScope(ctx, personnelId);
  const rows = await queryRows<BeatRow>(
    ctx.db,
    sql`SELECT ${COLUMNS} FROM beats WHERE personnel_id IN (${visiblePersonnelIds(ctx.actor)}) ${personnelId !== undefined ? sql`AND personnel_id = ${personnelId}` : sql``} ORDER BY personnel_id, id`,
  );
  return rows.map(toBeat);
}

export async function getBeat(ctx: Ctx, id: number): Promise<BeatJson> {
  requirePermission(ctx.actor, "beats.read");
  return toBeat(await loadBeat(ctx, id));
}

/** POST /api/v1/beats: then writes the rep's next 14 days from it at once (the job would, within the hour). */
export async function createBeat(ctx: Ctx, input: CreateBeatRequest): Promise<{ beat: BeatJson; replayed: boolean }> {
  requirePermission(ctx.actor, "beats.manage");
  await requireScope(ctx, input.personnel_id);
  const { result, replayed } = await idempotent(
    ctx,
    { scope: "beats.create", clientId: input.client_id, request: { ...input, client_id: undefined } },
    async (tx) => {
      await checkLocations(tx, input.stops);
      const [row] = await queryRows<BeatRow>(
        tx,
        sql`INSERT INTO beats (personnel_id, name, weekdays, every_weeks, starts_on, ends_on, stops, keep_order, client_id, created_by)
            VALUES (${input.personnel_id}, ${input.name}, ${weekdaysLiteral(input.weekdays)}::integer[], ${input.every_weeks}, ${input.starts_on}::date, ${input.ends_on ?? null}::date,
                    ${stopsJson(input.stops)}::jsonb, ${input.keep_order}, ${input.client_id}, ${ctx.actor.id})
            RETURNING ${COLUMNS}`,
      );
      return toBeat(row!);
    },
  );
  if (!replayed) await materializeBeats(ctx.db, ctx.now, { personnelId: input.personnel_id });
  return { beat: result, replayed };
}

/** PATCH /api/v1/beats/{id}: the days it wrote and nobody edited are rewritten from the new beat. */
export async function updateBeat(ctx: Ctx, id: number, input: PatchBeatRequest): Promise<BeatJson> {
  requirePermission(ctx.actor, "beats.manage");
  const { today } = await orgDay(ctx.db, ctx.now);
  const { result, replayed } = await idempotent(
    ctx,
    { scope: "beats.update", clientId: input.client_id, request: { id, ...input, client_id: undefined } },
    async (tx) => {
      const cur = toBeat(await loadBeat({ ...ctx, db: tx }, id, true));
      const next = { ...cur, ...Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== undefined && k !== "client_id")) } as BeatJson;
      if (next.ends_on && next.ends_on < next.starts_on) throw validationFailed("ends_on must not be before starts_on", "ends_on");
      if (input.stops) await checkLocations(tx, input.stops);
      const [row] = await queryRows<BeatRow>(
        tx,
        sql`UPDATE beats SET name = ${next.name}, weekdays = ${weekdaysLiteral(next.weekdays)}::integer[], every_weeks = ${next.every_weeks}, starts_on = ${next.starts_on}::date,
              ends_on = ${next.ends_on}::date, stops = ${stopsJson(next.stops)}::jsonb, keep_order = ${next.keep_order}, active = ${next.active}, updated_at = ${ctx.now.toISOString()}::timestamptz
            WHERE id = ${id} RETURNING ${COLUMNS}`,
      );
      await releaseBeatDays(tx, id, today);
      return toBeat(row!);
    },
  );
  if (!replayed) await materializeBeats(ctx.db, ctx.now, { personnelId: result.personnel_id });
  return result;
}

/** DELETE /api/v1/beats/{id}: the beat and the untouched days it wrote from today on. Hand-edited days stay. */
export async function deleteBeat(ctx: Ctx, id: number): Promise<void> {
  requirePermission(ctx.actor, "beats.manage");
  const { today } = await orgDay(ctx.db, ctx.now);
  await ctx.db.transaction(async (tx) => {
    const row = await loadBeat({ ...ctx, db: tx as unknown as Db }, id, true);
    await releaseBeatDays(tx as unknown as Db, id, today);
    await tx.execute(sql`DELETE FROM beats WHERE id = ${id}`);
    return row;
  });
}
