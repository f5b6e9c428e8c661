import "server-only";
import { decodeNameCursor, encodeNameCursor } from "../db/name-cursor";
import { sql, type SQL } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { notFound, visiblePersonnelIds } from "../auth/scope";
import { queryRows, type Db } from "../db/client";
import type { ListPersonnelQuery, Person, PersonnelPage } from "@/contracts/personnel";

type PersonRow = {
  id: number;
  name: string;
  email: string;
  phone: string | null;
  employee_id: string | null;
  role: Person["role"];
  manager_id: number | null;
  manager_name: string | null;
  active: boolean;
  mfa_enabled: boolean;
  created_at: Date | string;
  updated_at: Date | string;
  sort_key?: string;
};

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();

export function toPerson({ sort_key: _sortKey, ...r }: PersonRow): Person {
  return { ...r, created_at: iso(r.created_at), updated_at: iso(r.updated_at) };
}

const SELECT_PERSON = sql`
  SELECT p.id, p.name, p.email, p.phone, p.employee_id, p.role::text AS role, p.manager_id, m.name AS manager_name,
         p.active, (p.mfa_enabled_at IS NOT NULL) AS mfa_enabled, p.created_at, p.updated_at, lower(p.name) AS sort_key
  FROM personnel p LEFT JOIN personnel m ON m.id = p.manager_id`;

/** One person as the API shows them (no secrets), without any scope check: callers decide scope. */
export async function loadPerson(db: Db, id: number): Promise<Person | null> {
  const [row] = await queryRows<PersonRow>(db, sql`${SELECT_PERSON} WHERE p.id = ${id}`);
  return row ? toPerson(row) : null;
}

/** A person the actor may see (admin: anyone; manager: their subtree, read-only). Out of scope = 404. */
export async function getPersonOrThrow(ctx: Ctx, id: number): Promise<Person> {
  requirePermission(ctx.actor, "team.read");
  const [row] = await queryRows<PersonRow>(ctx.db, sql`${SELECT_PERSON} WHERE p.id = ${id} AND p.id IN (${visiblePersonnelIds(ctx.actor)})`);
  if (!row) throw notFound("Person");
  return toPerson(row);
}


/**
 * The people directory, ordered by name (keyset-paginated on lower(name), id).
 * Admins see everyone; a manager sees their reporting subtree read-only (team.read); a rep gets 403.
 */
export async function listPersonnel(ctx: Ctx, f: ListPersonnelQuery): Promise<PersonnelPage> {
  requirePermission(ctx.actor, "team.read");
  const where: SQL[] = [sql`p.id IN (${visiblePersonnelIds(ctx.actor)})`];
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (ch) => "\\" + ch)}%`;
    where.push(sql`(p.name ILIKE ${like} OR p.email ILIKE ${like} OR p.employee_id ILIKE ${like})`);
  }
  if (f.role) where.push(sql`p.role = ${f.role}`);
  if (f.active !== undefined) where.push(sql`p.active = ${f.active}`);
  if (f.manager_id) where.push(sql`p.manager_id = ${f.manager_id}`);
  if (f.cursor) {
    const c = decodeNameCursor(f.cursor);
    where.push(sql`(lower(p.name), p.id) > (${c.n}, ${c.id})`);
  }
  const rows = await queryRows<PersonRow>(
    ctx.db,
    sql`${SELECT_PERSON} WHERE ${sql.join(where, sql` AND `)} ORDER BY lower(p.name), p.id LIMIT ${f.limit + 1}`,
  );
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return { items: page.map(toPerson), next_cursor: rows.length > f.limit && last ? encodeNameCursor({ n: last.sort_key ?? "", id: last.id }) : null };
}

/** Active managers and admins an admin may pick as someone's manager (for forms). */
export async function listManagerChoices(ctx: Ctx): Promise<{ id: number; name: string; role: string }[]> {
  requirePermission(ctx.actor, "personnel.manage");
  return queryRows(ctx.db, sql`SELECT id, name, role::text AS role FROM personnel WHERE active AND role IN ('manager','admin') ORDER BY lower(name), id`);
}
