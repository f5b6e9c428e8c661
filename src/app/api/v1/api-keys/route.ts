import { NextResponse } from "next/server";
import { createApiKey } from "@/server/auth/api-keys/create-api-key";
import { createApiKeyInput } from "@/contracts/api-keys";
import { listApiKeys } from "@/server/auth/api-keys/list-api-keys";
import { apiRoute, readJson } from "@/server/http/api";

/** GET /api/v1/api-keys: every key (admins). */
export const GET = apiRoute("apikeys.manage", async ({ ctx }) => NextResponse.json({ items: await listApiKeys(ctx) }));

/** POST /api/v1/api-keys: 201 with the secret once; a replay of the same client_id answers 200 without it. */
export const POST = apiRoute("apikeys.manage", async ({ req, ctx }) => {
  const input = await readJson(req, createApiKeyInput);
  const { key, replayed } = await createApiKey(ctx, input);
  return NextResponse.json(key, { status: replayed ? 200 : 201 });
});
