import "server-only";
import { desc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "../../db/client";
import { apiKeys, personnel, type PersonnelRole } from "../../db/schema";
import type { ApiKeyView } from "@/contracts/api-keys";

const actsAs = alias(personnel, "acts_as");

const select = (db: Db) =>
  db
    .select({ key: apiKeys, person: { id: actsAs.id, name: actsAs.name, email: actsAs.email, role: actsAs.role } })
    .from(apiKeys)
    .innerJoin(actsAs, eq(actsAs.id, apiKeys.personnelId));

type Row = { key: typeof apiKeys.$inferSelect; person: { id: number; name: string; email: string; role: PersonnelRole } };

export function toApiKeyView({ key, person }: Row, now: Date): ApiKeyView {
  const status = key.revokedAt ? "revoked" : key.expiresAt && key.expiresAt.getTime() <= now.getTime() ? "expired" : "active";
  return {
    id: key.id,
    name: key.name,
    prefix: `fb_${key.prefix}`,
    access: key.access === "read_write" ? "read_write" : "read",
    personnel: person,
    created_by: key.createdBy,
    created_at: key.createdAt.toISOString(),
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    expires_at: key.expiresAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
    status,
  };
}

export async function getApiKeyView(db: Db, id: number, now: Date): Promise<ApiKeyView | null> {
  const [row] = await select(db).where(eq(apiKeys.id, id));
  return row ? toApiKeyView(row, now) : null;
}

export async function listApiKeyViews(db: Db, now: Date): Promise<ApiKeyView[]> {
  const rows = await select(db).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  return rows.map((r) => toApiKeyView(r, now));
}
