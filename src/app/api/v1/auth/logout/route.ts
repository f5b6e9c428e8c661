import { NextResponse } from "next/server";
import { refreshTokenInput } from "@/contracts/auth";
import { revokeRefreshToken } from "@/server/auth/refresh-tokens";
import { publicApiRoute, readJson } from "@/server/http/api";

/**
 * POST /api/v1/auth/logout: revokes the refresh token's family (this client's sign-in). Idempotent.
 * The access token expires on its own within 15 minutes; holding the refresh token is the proof needed.
 */
export const POST = publicApiRoute(async ({ req, db, now }) => {
  const { refresh_token } = await readJson(req, refreshTokenInput);
  return NextResponse.json(await revokeRefreshToken(db, refresh_token, now));
});
