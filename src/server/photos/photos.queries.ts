import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { notFound } from "../auth/scope";
import { queryRows } from "../db/client";
import { isoSql } from "../visits/visits.queries";

export type OwnVisitForSelfie = { id: number; location_name: string; check_in_time: string; check_out_time: string | null; has_selfie: boolean };

/** The actor's own visit, for the "Add selfie" page: anyone else's is a 404 like a missing one. */
export async function getOwnVisitForSelfie(ctx: Ctx, visitId: number): Promise<OwnVisitForSelfie> {
  requirePermission(ctx.actor, "visits.write");
  const [row] = await queryRows<{ id: number; location_name: string; check_in_time: string; check_out_time: string | null; has_selfie: boolean }>(
    ctx.db,
    sql`SELECT v.id, l.name AS location_name, ${isoSql(sql`v.check_in_time`)} AS check_in_time, ${isoSql(sql`v.check_out_time`)} AS check_out_time, v.selfie_url IS NOT NULL AS has_selfie
        FROM visits v JOIN locations l ON l.id = v.location_id WHERE v.id = ${visitId} AND v.personnel_id = ${ctx.actor.id} AND v.check_in_time IS NOT NULL`,
  );
  if (!row) throw notFound("Visit");
  return { ...row, id: Number(row.id), has_selfie: Boolean(row.has_selfie) };
}
