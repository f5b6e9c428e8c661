import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { getOrgSettings } from "../settings/org-settings";

/** "*" in org_settings.selfie_required_types means every location; otherwise the location's type must be listed. */
export const requiredBy = (types: readonly string[], locationType: string | null) => types.includes("*") || (locationType !== null && types.includes(locationType));

/** Whether a visit at a location of this type must carry a selfie (Settings → Photos). */
export async function isSelfieRequired(db: Db, locationType: string | null): Promise<boolean> {
  return requiredBy((await getOrgSettings(db)).selfie_required_types, locationType);
}

/** SQL: the visit aliased `v` needs a selfie it does not have (for check-out's NO_SELFIE flag). */
export const missingRequiredSelfieSql = sql`(v.selfie_url IS NULL AND EXISTS (
  SELECT 1 FROM org_settings s JOIN locations l ON l.id = v.location_id
  WHERE s.id = 1 AND ('*' = ANY(s.selfie_required_types) OR l.location_type = ANY(s.selfie_required_types))))`;
