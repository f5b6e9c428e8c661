import "server-only";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { isValidStatus } from "../geo/verdict";
import { checkFence } from "./locations.queries";
import type { ValidateLocationInput, ValidateLocationResponse } from "@/contracts/locations";

/** Read-only fence check, as the seed's validate_check_in: { valid, distance, status }. Writes nothing. */
export async function validateLocation(ctx: Ctx, input: ValidateLocationInput): Promise<ValidateLocationResponse> {
  requirePermission(ctx.actor, "locations.read");
  const fence = await checkFence(ctx.db, input.location_id, input.lat, input.lon);
  return { valid: isValidStatus(fence.status), distance: fence.distance, status: fence.status };
}
