import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { recordAudit } from "../audit/record-audit";
import { queryRows, type Db } from "../db/client";
import { conflict } from "../errors";
import { idempotent } from "../idempotency";
import { isUniqueViolation } from "../visits/plausibility";
import { getOrgSettings } from "../settings/org-settings";
import { pointSql } from "./locations.queries";
import { loadLocation } from "./customers.queries";
import type { CreateLocationInput, Location } from "@/contracts/locations";

export const refTaken = () => conflict("Another customer already has this external_ref.", { field: "external_ref" });

/** An external_ref unique violation → 409 on external_ref; anything else as it was. */
export function mapLocationDbError(err: unknown): unknown {
  return isUniqueViolation(err, "locations_external_ref_unique") ? refTaken() : err;
}

async function requireLocation(db: Db, id: number): Promise<Location> {
  const loc = await loadLocation(db, id);
  if (!loc) throw new Error(`location ${id} not readable`);
  return loc;
}

/**
 * POST /api/v1/locations (admins and managers): a new customer, audited. Idempotent on client_id: the same request
 * again answers the same location (created: false). A missing radius takes the organisation's default.
 */
export async function createLocation(ctx: Ctx, input: CreateLocationInput): Promise<{ location: Location; created: boolean }> {
  requirePermission(ctx.actor, "locations.manage");
  const radius = input.geofence_radius ?? (await getOrgSettings(ctx.db)).default_geofence_radius;
  try {
    const { result, replayed } = await idempotent(
      ctx,
      { scope: "locations.create", clientId: input.client_id, request: input },
      async (tx) => {
        const now = ctx.now.toISOString();
        const [row] = await queryRows<{ id: number }>(
          tx,
          sql`INSERT INTO locations (name, address, coordinates, geofence_radius, location_type, external_ref, created_at, updated_at)
              VALUES (${input.name}, ${input.address ?? null}, ${pointSql(input.lat, input.lon)}, ${radius}, ${input.location_type ?? null},
                      ${input.external_ref ?? null}, ${now}::timestamptz, ${now}::timestamptz) RETURNING id`,
        );
        const loc = await requireLocation(tx, row!.id);
        await recordAudit(tx, { action: "location.created", actor: ctx.actor, subjectType: "location", subjectId: loc.id, details: { ...loc }, at: ctx.now });
        return loc;
      },
    );
    return { location: result, created: !replayed };
  } catch (err) {
    throw mapLocationDbError(err);
  }
}
