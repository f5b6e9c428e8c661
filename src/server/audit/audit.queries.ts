import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { queryRows } from "../db/client";
import type { AuditEntry, AuditPage, ListAuditQuery } from "@/contracts/audit";

type Row = Omit<AuditEntry, "at" | "id" | "details"> & { id: number | string; at: Date | string; details: Record<string, unknown> | string | null };

/**
 * The audit log, newest first (admins only: audit.read). Keyset-paginated on (created_at, id):
 * the cursor is the id of the last row shown, so rows written while someone pages never shift a page.
 */
export async function listAuditLog(ctx: Ctx, f: ListAuditQuery): Promise<AuditPage> {
  requirePermission(ctx.actor, "audit.read");
  const where: SQL[] = [sql`TRUE`];
  if (f.action?.endsWith(".*")) where.push(sql`a.action LIKE ${f.action.slice(0, -1) + "%"}`);
  else if (f.action) where.push(sql`a.action = ${f.action}`);
  if (f.actor_id) where.push(sql`a.actor_id = ${f.actor_id}`);
  if (f.target_personnel_id) where.push(sql`a.target_personnel_id = ${f.target_personnel_id}`);
  if (f.from) where.push(sql`a.created_at >= ${f.from}::timestamptz`);
  if (f.to) where.push(sql`a.created_at < ${f.to}::timestamptz`);
  if (f.cursor) where.push(sql`(a.created_at, a.id) < (SELECT created_at, id FROM audit_log WHERE id = ${f.cursor})`);
  const rows = await queryRows<Row>(
    ctx.db,
    sql`SELECT a.id, a.created_at AS at, a.action, a.actor_id, a.actor_email, actor.name AS actor_name, a.subject_type, a.subject_id,
               a.target_personnel_id, target.name AS target_name, a.ip, a.user_agent, a.details
        FROM audit_log a
        LEFT JOIN personnel actor ON actor.id = a.actor_id
        LEFT JOIN personnel target ON target.id = a.target_personnel_id
        WHERE ${sql.join(where, sql` AND `)}
        ORDER BY a.created_at DESC, a.id DESC
        LIMIT ${f.limit + 1}`,
  );
  const page = rows.slice(0, f.limit).map(
    (r): AuditEntry => ({
      ...r,
      id: Number(r.id),
      at: (r.at instanceof Date ? r.at : new Date(r.at)).toISOString(),
      details: typeof r.details === "string" ? (JSON.parse(r.details) as Record<string, unknown>) : (r.details ?? {}),
    }),
  );
  const last = page[page.length - 1];
  return { items: page, next_cursor: rows.length > f.limit && last ? String(last.id) : null };
}
