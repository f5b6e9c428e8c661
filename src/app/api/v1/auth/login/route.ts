import { NextResponse } from "next/server";
import { loginInput } from "@/contracts/auth";
import { assertApiTokensAllowed, tokenPair } from "@/server/auth/issue-tokens";
import { signIn } from "@/server/auth/sign-in";
import { publicApiRoute, readJson } from "@/server/http/api";
import { requestMeta } from "@/server/http/request-meta";

/** POST /api/v1/auth/login: email + password (+ totp or recovery_code once MFA is on) → access + refresh token. */
export const POST = publicApiRoute(async ({ req, db, now }) => {
  const input = await readJson(req, loginInput);
  const meta = requestMeta(req);
  const actor = await signIn(db, input, meta, now);
  await assertApiTokensAllowed(db, actor.id);
  return NextResponse.json(await tokenPair(db, actor, meta, now));
});
