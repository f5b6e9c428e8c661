import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { recordAudit } from "../audit/record-audit";
import { queryRows } from "../db/client";
import { textArray } from "../db/array-literal";
import { AppError, validationFailed } from "../errors";
import { idempotent } from "../idempotency";
import { readOrgSettings } from "./read-org-settings";
import { getOrgSettings } from "./org-settings";
import { minutesOfDay, type OrgSettings, type UpdateOrgSettingsInput } from "@/contracts/settings";

type Field = Exclude<keyof UpdateOrgSettingsInput, "client_id">;

/** Column of each field and how its value is bound (arrays as one literal, times as `time`). */
const COLUMNS: Record<Field, (v: never) => SQL> = {
  name: (v: string) => sql`name = ${v}`,
  time_zone: (v: string) => sql`time_zone = ${v}`,
  work_days: (v: number[]) => sql`work_days = ${`{${v.join(",")}}`}::integer[]`,
  work_start: (v: string) => sql`work_day_start = ${v}::time`,
  work_end: (v: string) => sql`work_day_end = ${v}::time`,
  default_geofence_radius: (v: number) => sql`default_geofence_radius = ${v}`,
  default_service_minutes: (v: number) => sql`default_service_minutes = ${v}`,
  travel_speed_kmh: (v: number) => sql`travel_speed_kmh = ${v}::float8`,
  route_detour_factor: (v: number) => sql`route_detour_factor = ${v}::float8`,
  tracking_interval_seconds: (v: number) => sql`tracking_interval_seconds = ${v}`,
  require_manager_mfa: (v: boolean) => sql`require_manager_mfa = ${v}`,
  selfie_required_types: (v: string[]) => sql`selfie_required_types = ${textArray(v)}::text[]`,
  alert_late_check_in_minutes: (v: number) => sql`alert_late_check_in_minutes = ${v}`,
  alert_open_visit_minutes: (v: number) => sql`alert_open_visit_minutes = ${v}`,
  alert_untracked_minutes: (v: number) => sql`alert_untracked_minutes = ${v}`,
  photo_retention_days: (v: number) => sql`photo_retention_days = ${v}`,
  events_retention_days: (v: number) => sql`events_retention_days = ${v}`,
  ping_retention_days: (v: number) => sql`ping_retention_days = ${v}`,
};

/** GET /api/v1/settings: every organisation setting (admins). */
export async function getSettingsForAdmin(ctx: Ctx): Promise<OrgSettings> {
  requirePermission(ctx.actor, "settings.manage");
  return getOrgSettings(ctx.db);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * PATCH /api/v1/settings (admins): any subset of the settings, validated together with the stored ones (the day
 * must end after it starts), audited as `settings.changed` with before → after of exactly what changed. Sending the
 * values already stored changes and audits nothing. Every instance sees the change at its next request (NOTIFY).
 */
export async function updateOrgSettings(ctx: Ctx, input: UpdateOrgSettingsInput): Promise<OrgSettings> {
  requirePermission(ctx.actor, "settings.manage");
  const { result } = await idempotent(
    ctx,
    { scope: "settings.update", clientId: input.client_id, request: input },
    async (tx) => {
      const before = await readOrgSettings(tx, true);
      const changed = (Object.keys(COLUMNS) as Field[]).filter((k) => input[k] !== undefined && !same(input[k], before[k]));
      if (changed.length === 0) return before;
      const after = { ...before, ...Object.fromEntries(changed.map((k) => [k, input[k]])) } as OrgSettings;
      if (minutesOfDay(after.work_end) <= minutesOfDay(after.work_start)) {
        throw validationFailed(`The working day must end after it starts (${after.work_start} – ${after.work_end}).`, input.work_end !== undefined ? "work_end" : "work_start");
      }
      if (changed.includes("require_manager_mfa") && after.require_manager_mfa) {
        const [me] = await queryRows<{ enrolled: boolean }>(tx, sql`SELECT mfa_enabled_at IS NOT NULL AS enrolled FROM personnel WHERE id = ${ctx.actor.id}`);
        if (!me?.enrolled) {
          throw new AppError("MFA_NOT_ENROLLED", "Set up MFA for your own account first (Security page), then require it for managers.", { field: "require_manager_mfa" });
        }
      }
      const sets = changed.map((k) => (COLUMNS[k] as (v: unknown) => SQL)(input[k]));
      await tx.execute(sql`UPDATE org_settings SET ${sql.join(sets, sql`, `)}, updated_at = ${ctx.now.toISOString()}::timestamptz WHERE id = 1`);
      const details = Object.fromEntries(changed.map((k) => [k, { from: before[k], to: after[k] }]));
      await recordAudit(tx, { action: "settings.changed", actor: ctx.actor, subjectType: "org_settings", subjectId: 1, details, at: ctx.now });
      return readOrgSettings(tx);
    },
  );
  return result;
}
