import "server-only";
import { and, eq } from "drizzle-orm";
import { recordAudit } from "../../audit/record-audit";
import { apiKeys, personnel } from "../../db/schema";
import { clientIdReused, validationFailed } from "../../errors";
import { idempotent } from "../../idempotency";
import type { Ctx } from "../actor";
import { requirePermission } from "../permissions";
import { generateApiKey, hashApiKey } from "./api-key-format";
import { createApiKeyInput, type CreatedApiKeyView, type CreateApiKeyInput } from "@/contracts/api-keys";
import { getApiKeyView } from "./api-keys.queries";

/**
 * Creates an integration key (admins only). The secret is returned once; only its hash is stored.
 * Idempotent on `client_id` through the one mechanism (the request's fingerprint stored with the key): a replay by
 * the same admin with the same request returns the key's current metadata (201 → 200), never the secret again;
 * the same id from another admin or with another name, access, person or expiry is a 409.
 */
export async function createApiKey(ctx: Ctx, raw: CreateApiKeyInput): Promise<{ key: CreatedApiKeyView; replayed: boolean }> {
  requirePermission(ctx.actor, "apikeys.manage");
  const input = createApiKeyInput.parse(raw);
  const personnelId = input.personnel_id ?? ctx.actor.id;
  const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
  // The fingerprint compares instants, not spellings: "…Z" and "…+00:00" are one expiry.
  const request = { ...input, personnel_id: personnelId, expires_at: expiresAt?.toISOString() ?? null };
  // Generated outside the stored answer: the secret is shown with the first answer only.
  const { key: secret, prefix } = generateApiKey();

  const { result, replayed } = await idempotent(ctx, { scope: "apikeys.create", clientId: input.client_id, request }, async (db) => {
    if (expiresAt && expiresAt.getTime() <= ctx.now.getTime()) throw validationFailed("expires_at must be in the future.", "expires_at");
    const [person] = await db
      .select({ id: personnel.id, role: personnel.role })
      .from(personnel)
      .where(and(eq(personnel.id, personnelId), eq(personnel.active, true)));
    // A key acts with its person's role and scope; reps' data is entered by the reps themselves.
    if (!person || person.role === "rep") throw validationFailed("personnel_id must be an active manager or admin.", "personnel_id");
    const inserted = await db
      .insert(apiKeys)
      .values({ clientId: input.client_id, name: input.name, prefix, keyHash: hashApiKey(secret), access: input.access, personnelId, createdBy: ctx.actor.id, createdAt: ctx.now, expiresAt })
      .onConflictDoNothing({ target: apiKeys.clientId })
      .returning({ id: apiKeys.id });
    // A key created under this client_id before request fingerprints were stored: not a replay we can prove.
    const row = inserted[0];
    if (!row) throw clientIdReused();
    await recordAudit(db, {
      action: "apikey.created",
      actor: ctx.actor,
      subjectType: "api_key",
      subjectId: row.id,
      targetPersonnelId: personnelId,
      details: { name: input.name, access: input.access, prefix: `fb_${prefix}`, expires_at: expiresAt?.toISOString() ?? null },
      at: ctx.now,
    });
    return { id: row.id };
  });
  const view = await getApiKeyView(ctx.db, result.id, ctx.now);
  if (!view) throw new Error("the API key just created is missing");
  return { key: replayed ? view : { ...view, secret }, replayed };
}
