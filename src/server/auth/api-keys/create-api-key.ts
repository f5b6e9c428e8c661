import "server-only";
import { and, eq } from "drizzle-orm";
import { recordAudit } from "../../audit/record-audit";
import type { Db } from "../../db/client";
import { apiKeys, personnel } from "../../db/schema";
import { AppError } from "../../errors";
import type { Ctx } from "../actor";
import { requirePermission } from "../permissions";
import { generateApiKey, hashApiKey } from "./api-key-format";
import { createApiKeyInput, type CreatedApiKeyView, type CreateApiKeyInput } from "@/contracts/api-keys";
import { getApiKeyView, getApiKeyViewByClientId } from "./api-keys.queries";

/**
 * Creates an integration key (admins only). The secret is returned once; only its hash is stored.
 * Idempotent on `client_id`: a replay by the same admin returns the key's metadata (201 → 200), never the
 * secret again; the same id from another admin is a 409.
 */
export async function createApiKey(ctx: Ctx, raw: CreateApiKeyInput): Promise<{ key: CreatedApiKeyView; replayed: boolean }> {
  requirePermission(ctx.actor, "apikeys.manage");
  const input = createApiKeyInput.parse(raw);

  const replay = async (db: Db) => {
    const prior = await getApiKeyViewByClientId(db, input.client_id, ctx.now);
    if (!prior) return null;
    // The same client_id with another name, access, person or expiry is another request, not a replay.
    const sameRequest =
      prior.name === input.name &&
      prior.access === input.access &&
      prior.personnel.id === (input.personnel_id ?? ctx.actor.id) &&
      (prior.expires_at === null ? !input.expires_at : !!input.expires_at && Date.parse(prior.expires_at) === Date.parse(input.expires_at));
    if (prior.createdBy !== ctx.actor.id || !sameRequest) throw new AppError("CLIENT_ID_REUSED", "This client_id was already used for another request.", { status: 409, field: "client_id" });
    const { createdBy: _omit, ...view } = prior;
    void _omit;
    return { key: view, replayed: true };
  };
  const first = await replay(ctx.db);
  if (first) return first;

  const personnelId = input.personnel_id ?? ctx.actor.id;
  const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
  if (expiresAt && expiresAt.getTime() <= ctx.now.getTime()) throw new AppError("VALIDATION_FAILED", "expires_at must be in the future.", { status: 400, field: "expires_at" });

  return ctx.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    const [person] = await db
      .select({ id: personnel.id, role: personnel.role })
      .from(personnel)
      .where(and(eq(personnel.id, personnelId), eq(personnel.active, true)));
    // A key acts with its person's role and scope; reps' data is entered by the reps themselves.
    if (!person || person.role === "rep") {
      throw new AppError("VALIDATION_FAILED", "personnel_id must be an active manager or admin.", { status: 400, field: "personnel_id" });
    }
    const { key, prefix } = generateApiKey();
    const inserted = await db
      .insert(apiKeys)
      .values({ clientId: input.client_id, name: input.name, prefix, keyHash: hashApiKey(key), access: input.access, personnelId, createdBy: ctx.actor.id, createdAt: ctx.now, expiresAt })
      .onConflictDoNothing({ target: apiKeys.clientId })
      .returning({ id: apiKeys.id });
    const row = inserted[0];
    if (!row) {
      // A concurrent request with the same client_id committed first.
      const again = await replay(db);
      if (again) return again;
      throw new AppError("CONFLICT", "Try again.", { status: 409 });
    }
    await recordAudit(db, {
      action: "apikey.created",
      actor: ctx.actor,
      subjectType: "api_key",
      subjectId: row.id,
      targetPersonnelId: personnelId,
      details: { name: input.name, access: input.access, prefix: `fb_${prefix}`, expires_at: expiresAt?.toISOString() ?? null },
      at: ctx.now,
    });
    const view = await getApiKeyView(db, row.id, ctx.now);
    if (!view) throw new Error("the API key just created is missing");
    return { key: { ...view, secret: key }, replayed: false };
  });
}
