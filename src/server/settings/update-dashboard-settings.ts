import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { recordAudit } from "../audit/record-audit";
import { queryRows, type Db } from "../db/client";
import { idempotent } from "../idempotency";
import type { DashboardSettings, UpdateDashboardSettingsInput } from "@/contracts/settings";

const KEYS = ["alert_late_check_in_minutes", "alert_open_visit_minutes", "alert_untracked_minutes", "events_retention_days"] as const;

export async function readDashboardThresholds(db: Db, lock = false): Promise<DashboardSettings> {
  const [row] = await queryRows<DashboardSettings>(
    db,
    sql`SELECT alert_late_check_in_minutes, alert_open_visit_minutes, alert_untracked_minutes, events_retention_days FROM org_settings WHERE id = 1 ${lock ? sql`FOR UPDATE` : sql``}`,
  );
  if (!row) throw new Error("org_settings row 1 is missing: run the migrations");
  return row;
}

export async function getDashboardSettings(ctx: Ctx): Promise<DashboardSettings> {
  requirePermission(ctx.actor, "settings.manage");
  return readDashboardThresholds(ctx.db);
}

/** Alert thresholds and event retention (settings.manage), audited as `settings.changed` with from → to of what changed. */
export async function updateDashboardSettings(ctx: Ctx, input: UpdateDashboardSettingsInput): Promise<DashboardSettings> {
  requirePermission(ctx.actor, "settings.manage");
  const { result } = await idempotent(ctx, { scope: "settings.update_dashboard", clientId: input.client_id, request: input }, async (tx) => {
    const before = await readDashboardThresholds(tx, true);
    const changes = Object.fromEntries(KEYS.filter((k) => before[k] !== input[k]).map((k) => [k, { from: before[k], to: input[k] }]));
    if (Object.keys(changes).length === 0) return before;
    await tx.execute(sql`UPDATE org_settings SET alert_late_check_in_minutes = ${input.alert_late_check_in_minutes},
        alert_open_visit_minutes = ${input.alert_open_visit_minutes}, alert_untracked_minutes = ${input.alert_untracked_minutes},
        events_retention_days = ${input.events_retention_days}, updated_at = ${ctx.now.toISOString()}::timestamptz WHERE id = 1`);
    await recordAudit(tx, { action: "settings.changed", actor: ctx.actor, subjectType: "org_settings", subjectId: 1, details: changes, at: ctx.now });
    return readDashboardThresholds(tx);
  });
  return result;
}
