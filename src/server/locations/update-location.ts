import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { recordAudit } from "../audit/record-audit";
import { queryRows } from "../db/client";
import { notFound } from "../errors";
import { idempotent } from "../idempotency";
import { pointSql } from "./locations.queries";
import { loadLocation } from "./customers.queries";
import { mapLocationDbError } from "./create-location";
import type { Location, UpdateLocationInput } from "@/contracts/locations";

const FIELDS = ["name", "address", "geofence_radius", "location_type", "external_ref", "active"] as const;

/**
 * PATCH /api/v1/locations/{id} (admins and managers): any field; `active: false` deactivates (never a hard delete:
 * visits reference it; check-in there is refused), `true` reactivates. Audited with from → to of what changed.
 * Moving a customer does not touch past visits: their verdicts were judged against the place as it was.
 */
export async function updateLocation(ctx: Ctx, id: number, input: UpdateLocationInput): Promise<Location> {
  requirePermission(ctx.actor, "locations.manage");
  try {
    const { result } = await idempotent(
      ctx,
      { scope: "locations.update", clientId: input.client_id, request: { id, ...input } },
      async (tx) => {
        await queryRows(tx, sql`SELECT 1 FROM locations WHERE id = ${id} FOR UPDATE`);
        const before = await loadLocation(tx, id);
        if (!before) throw notFound("Customer not found.");
        const sets: SQL[] = [];
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        for (const k of FIELDS) {
          const v = input[k];
          if (v === undefined || v === before[k]) continue;
          changes[k] = { from: before[k], to: v };
          sets.push(sql`${sql.identifier(k)} = ${v}`);
        }
        if (input.lat !== undefined && input.lon !== undefined && (input.lat !== before.lat || input.lon !== before.lon)) {
          changes.position = { from: { lat: before.lat, lon: before.lon }, to: { lat: input.lat, lon: input.lon } };
          sets.push(sql`coordinates = ${pointSql(input.lat, input.lon)}`);
        }
        if (sets.length === 0) return before;
        await tx.execute(sql`UPDATE locations SET ${sql.join(sets, sql`, `)}, updated_at = ${ctx.now.toISOString()}::timestamptz WHERE id = ${id}`);
        const action = changes.active ? (input.active ? "location.reactivated" : "location.deactivated") : "location.updated";
        await recordAudit(tx, { action, actor: ctx.actor, subjectType: "location", subjectId: id, details: changes, at: ctx.now });
        return (await loadLocation(tx, id))!;
      },
    );
    return result;
  } catch (err) {
    throw mapLocationDbError(err);
  }
}
