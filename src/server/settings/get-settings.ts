import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { queryRows, type Db } from "../db/client";
import type { SecurityOverview, SecuritySettings } from "@/contracts/settings";

type Row = { require_manager_mfa: boolean; updated_at: Date | string };

/** The singleton org_settings row's security part (the row is created by migration 0002). */
export async function readSecuritySettings(db: Db, lock = false): Promise<SecuritySettings> {
  const [row] = await queryRows<Row>(
    db,
    lock
      ? sql`SELECT require_manager_mfa, updated_at FROM org_settings WHERE id = 1 FOR UPDATE`
      : sql`SELECT require_manager_mfa, updated_at FROM org_settings WHERE id = 1`,
  );
  if (!row) throw new Error("org_settings row 1 is missing: run the migrations");
  return { require_manager_mfa: row.require_manager_mfa, updated_at: (row.updated_at instanceof Date ? row.updated_at : new Date(row.updated_at)).toISOString() };
}

/** Security settings for the admin page (settings.manage), with how many managers/admins lack MFA. */
export async function getSecuritySettings(ctx: Ctx): Promise<SecurityOverview> {
  requirePermission(ctx.actor, "settings.manage");
  const settings = await readSecuritySettings(ctx.db);
  const [n] = await queryRows<{ n: number }>(
    ctx.db,
    sql`SELECT count(*)::int AS n FROM personnel WHERE active AND role IN ('manager','admin') AND mfa_enabled_at IS NULL`,
  );
  return { ...settings, managers_without_mfa: n?.n ?? 0 };
}
