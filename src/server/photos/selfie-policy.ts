import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { textArray } from "../db/array-literal";
import type { Db } from "../db/client";
import { getOrgSettings } from "../settings/org-settings";

/** "*" in the settings' selfie_required_types means every location; otherwise the location's type must be listed. */
export const requiredBy = (types: readonly string[], locationType: string | null) => types.includes("*") || (locationType !== null && types.includes(locationType));

/** Whether a visit at a location of this type must carry a selfie (Settings → Photos). */
export async function isSelfieRequired(db: Db, locationType: string | null): Promise<boolean> {
  return requiredBy((await getOrgSettings(db)).selfie_required_types, locationType);
}

/**
 * SQL: the visit aliased `v` needs a selfie it does not have, `types` being a text[] expression of the settings'
 * selfie_required_types (a bound list, or a prepared statement's placeholder): check-out's NO_SELFIE flag. An empty
 * list requires nothing; "*" every location.
 */
export const missingRequiredSelfieSql = (types: SQL) =>
  sql`(v.selfie_url IS NULL AND ('*' = ANY(${types}::text[]) OR EXISTS (SELECT 1 FROM locations l WHERE l.id = v.location_id AND l.location_type = ANY(${types}::text[]))))`;

/** The settings' list as that text[] expression. */
export const selfieTypesLiteral = (types: readonly string[]) => textArray([...types]);
