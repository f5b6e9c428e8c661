import { NextResponse } from "next/server";
import { revokeApiKey } from "@/server/auth/api-keys/revoke-api-key";
import { idPathParams } from "@/contracts/ids";
import { apiRoute, parseInput } from "@/server/http/api";

/** DELETE /api/v1/api-keys/{id}: revokes the key (idempotent: a revoked key is returned as it is). */
export const DELETE = apiRoute<{ id: string }>("apikeys.manage", async ({ ctx, params }) => {
  const { id } = parseInput(idPathParams, params);
  return NextResponse.json(await revokeApiKey(ctx, { id }));
});
