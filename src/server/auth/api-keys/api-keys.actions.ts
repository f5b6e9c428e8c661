"use server";
import { defineAction } from "../../http/action";
import { createApiKeyInput, revokeApiKeyInput } from "@/contracts/api-keys";
import { createApiKey } from "./create-api-key";
import { revokeApiKey } from "./revoke-api-key";

// Thin adapters for /admin/api-keys: the same use-cases as /api/v1/api-keys (authorization inside them).
export const createApiKeyAction = defineAction({ name: "apikeys.create", permission: "apikeys.manage", input: createApiKeyInput, run: async (ctx, input) => (await createApiKey(ctx, input)).key });
export const revokeApiKeyAction = defineAction({ name: "apikeys.revoke", permission: "apikeys.manage", input: revokeApiKeyInput, run: revokeApiKey });
