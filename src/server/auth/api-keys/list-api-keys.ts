import "server-only";
import type { Ctx } from "../actor";
import { requirePermission } from "../permissions";
import { listApiKeyViews } from "./api-keys.queries";
import type { ApiKeyView } from "./api-keys.schemas";

/** Every key, newest first, with whom it acts as and when it was last used. Secrets are never listed. */
export async function listApiKeys(ctx: Ctx): Promise<ApiKeyView[]> {
  requirePermission(ctx.actor, "apikeys.manage");
  return listApiKeyViews(ctx.db, ctx.now);
}
