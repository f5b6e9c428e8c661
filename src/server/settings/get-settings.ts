import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { queryRows } from "../db/client";
import { getOrgSettings } from "./org-settings";
import type { SecurityOverview } from "@/contracts/settings";

/** Security settings for the admin page (settings.manage), with how many managers/admins lack MFA. */
export async function getSecuritySettings(ctx: Ctx): Promise<SecurityOverview> {
  requirePermission(ctx.actor, "settings.manage");
  const s = await getOrgSettings(ctx.db);
  const [n] = await queryRows<{ n: number }>(
    ctx.db,
    sql`SELECT count(*)::int AS n FROM personnel WHERE active AND role IN ('manager','admin') AND mfa_enabled_at IS NULL`,
  );
  return { require_manager_mfa: s.require_manager_mfa, updated_at: s.updated_at, managers_without_mfa: n?.n ?? 0 };
}
