import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/server/http/api";
import { resetPasswordInput } from "@/contracts/personnel";
import { resetPassword } from "@/server/personnel/reset-password";
import { personIdParam } from "@/server/personnel/route-params";

/** POST /api/v1/personnel/{id}/reset-password: sets (or generates, shown once) a new password; ends their sessions. */
export const POST = apiRoute<{ id: string }>("personnel.manage", async ({ req, ctx, params }) => {
  const id = personIdParam(params.id);
  return NextResponse.json(await resetPassword(ctx, id, await readJson(req, resetPasswordInput)));
});
