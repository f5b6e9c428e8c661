import "server-only";
import { and, asc, eq, inArray } from "drizzle-orm";
import { personnel } from "../../db/schema";
import type { Ctx } from "../actor";
import { requirePermission } from "../permissions";
import { listApiKeyViews } from "./api-keys.queries";
import type { ApiKeyView } from "@/contracts/api-keys";

/** Every key, newest first, with whom it acts as and when it was last used. Secrets are never listed. */
export async function listApiKeys(ctx: Ctx): Promise<ApiKeyView[]> {
  requirePermission(ctx.actor, "apikeys.manage");
  return listApiKeyViews(ctx.db, ctx.now);
}

/** Whom a new key may act as: active managers and admins (the create form's choices). */
export async function listApiKeyOwners(ctx: Ctx): Promise<{ id: number; name: string; email: string; role: "manager" | "admin" }[]> {
  requirePermission(ctx.actor, "apikeys.manage");
  const rows = await ctx.db
    .select({ id: personnel.id, name: personnel.name, email: personnel.email, role: personnel.role })
    .from(personnel)
    .where(and(eq(personnel.active, true), inArray(personnel.role, ["manager", "admin"])))
    .orderBy(asc(personnel.role), asc(personnel.name));
  return rows.flatMap((r) => (r.role === "rep" ? [] : [{ ...r, role: r.role }]));
}
