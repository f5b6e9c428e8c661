import { NextResponse } from "next/server";
import { eq } from "drizzle-orm";
import { refreshTokenInput } from "@/contracts/auth";
import { unauthorized } from "@/server/auth/authenticate";
import { assertApiTokensAllowed, tokenPair } from "@/server/auth/issue-tokens";
import { rotateRefreshToken } from "@/server/auth/refresh-tokens";
import { personnel } from "@/server/db/schema";
import { publicApiRoute, readJson } from "@/server/http/api";
import { requestMeta } from "@/server/http/request-meta";

/** POST /api/v1/auth/refresh: rotates the refresh token; a reused one revokes its whole family (401). */
export const POST = publicApiRoute(async ({ req, db, now }) => {
  const { refresh_token } = await readJson(req, refreshTokenInput);
  const meta = requestMeta(req);
  const { personnelId, refreshToken } = await rotateRefreshToken(db, refresh_token, meta, now, assertApiTokensAllowed);
  const [p] = await db.select({ id: personnel.id, name: personnel.name, email: personnel.email, role: personnel.role }).from(personnel).where(eq(personnel.id, personnelId));
  if (!p) throw unauthorized();
  return NextResponse.json(await tokenPair(db, p, meta, now, refreshToken));
});
