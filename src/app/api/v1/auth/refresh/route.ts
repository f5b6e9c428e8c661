import { NextResponse } from "next/server";
import { refreshTokenInput } from "@/contracts/auth";
import { refreshTokenPair } from "@/server/auth/issue-tokens";
import { publicApiRoute, readJson } from "@/server/http/api";
import { requestMeta } from "@/server/http/request-meta";

/** POST /api/v1/auth/refresh: rotates the refresh token; a reused one revokes its whole family (401). */
export const POST = publicApiRoute(async ({ req, db, now }) => {
  const { refresh_token } = await readJson(req, refreshTokenInput);
  return NextResponse.json(await refreshTokenPair(db, refresh_token, requestMeta(req), now));
});
