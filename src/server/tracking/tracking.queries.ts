import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { requirePersonnelInScope } from "../auth/scope";
import { recordAudit, type RequestMeta } from "../audit/record-audit";
import { queryRows, type Db } from "../db/client";
import { log } from "../log";
import { localDate } from "@/lib/time";
import { keptPingIds, sessionTravel } from "./compute-travel";
import { sessionFixes } from "./session-fixes";
import type { Trail, TrailQuery } from "@/contracts/tracking";
import { loadWorkHours } from "./work-hours";

const iso = (v: unknown) => (v == null ? null : (v instanceof Date ? v : new Date(String(v))).toISOString());

/**
 * One person's day on the map: every stored fix (marked kept or not by the travel filter) and the
 * gaps. Scoped like everything else (a rep their own, a manager their subtree, an admin everyone;
 * out of scope → 404). Looking at somebody else's movements is audit-logged (`trail.viewed`).
 */
export async function getTrail(ctx: Ctx, query: TrailQuery, meta?: RequestMeta): Promise<Trail> {
  requirePermission(ctx.actor, "tracking.read");
  const personnelId = query.personnel_id ?? ctx.actor.id;
  await requirePersonnelInScope(ctx, personnelId, "Person");
  const date = query.date ?? localDate(ctx.now, (await loadWorkHours(ctx.db)).timeZone);

  const [session] = await queryRows<{ id: number; status: string; login_time: unknown; logout_time: unknown; total_travel_km: string | number }>(
    ctx.db,
    sql`SELECT id, status, login_time, logout_time, total_travel_km FROM daily_sessions WHERE personnel_id = ${personnelId} AND session_date = ${date}::date`,
  );
  const trail: Trail = {
    personnel_id: personnelId,
    date,
    session: null,
    travel: { raw_m: 0, filtered_m: 0, raw_points: 0, kept_points: 0 },
    pings: [],
    gaps: [],
  };
  if (session) {
    const kept = await keptPingIds(ctx.db, session.id);
    const pings = await queryRows<{ id: number | string; lat: number; lon: number; accuracy_m: number; speed: number | null; heading: number | null; source: string | null; captured_at: unknown; received_at: unknown }>(
      ctx.db,
      sql`SELECT id, ST_Y(coords::geometry) AS lat, ST_X(coords::geometry) AS lon, accuracy_m, speed, heading, source, captured_at, received_at
          FROM location_pings WHERE ${sessionFixes(session.id)} ORDER BY captured_at, id`,
    );
    const gaps = await queryRows<{ started_at: unknown; ended_at: unknown; cause: string }>(
      ctx.db,
      sql`SELECT started_at, ended_at, cause FROM tracking_gaps WHERE session_id = ${session.id} ORDER BY started_at`,
    );
    trail.session = { id: session.id, status: session.status, login_time: iso(session.login_time), logout_time: iso(session.logout_time), total_travel_km: Number(session.total_travel_km) };
    trail.travel = await sessionTravel(ctx.db, session.id);
    trail.pings = pings.map((p) => ({
      id: Number(p.id),
      lat: Number(p.lat),
      lon: Number(p.lon),
      accuracy_m: Number(p.accuracy_m),
      speed: p.speed == null ? null : Number(p.speed),
      heading: p.heading == null ? null : Number(p.heading),
      source: p.source,
      captured_at: iso(p.captured_at)!,
      received_at: iso(p.received_at)!,
      kept: kept.has(Number(p.id)),
    }));
    trail.gaps = gaps.map((g) => {
      const startedAt = iso(g.started_at)!;
      const endedAt = iso(g.ended_at)!;
      return { started_at: startedAt, ended_at: endedAt, duration_s: (Date.parse(endedAt) - Date.parse(startedAt)) / 1000, cause: g.cause };
    });
  }
  if (personnelId !== ctx.actor.id) await auditTrailView(ctx, personnelId, date, trail.pings.length, meta);
  return trail;
}

/**
 * `trail.viewed`, in its own savepoint: a failing audit insert is logged loudly but never turns the read
 * into a 500 (nor poisons a surrounding transaction). The person was checked to exist above.
 */
async function auditTrailView(ctx: Ctx, personnelId: number, date: string, pings: number, meta?: RequestMeta): Promise<void> {
  try {
    await ctx.db.transaction(async (tx) => recordAudit(tx as unknown as Db, {
      action: "trail.viewed",
      actor: ctx.actor,
      subjectType: "trail",
      subjectId: `${personnelId}:${date}`,
      targetPersonnelId: personnelId,
      details: { date, pings, via: ctx.actor.via },
      meta,
      at: ctx.now,
    }));
  } catch (err) {
    log.error("audit: trail.viewed could not be written", { personnel_id: personnelId, date, error: err instanceof Error ? err.message : String(err) });
  }
}
