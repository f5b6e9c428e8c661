import { NextResponse } from "next/server";
import { apiRoute } from "@/server/http/api";

/** GET /api/v1/auth/me: who the credential acts as (any credential kind). */
export const GET = apiRoute("account.read", async ({ ctx: { actor } }) =>
  NextResponse.json({
    id: actor.id,
    name: actor.name,
    email: actor.email,
    role: actor.role,
    via: actor.via,
    read_only: actor.readOnly,
    ...(actor.apiKeyId !== undefined ? { api_key_id: actor.apiKeyId } : {}),
  }),
);
