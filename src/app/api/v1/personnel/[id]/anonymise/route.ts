import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/server/http/api";
import { anonymiseInput } from "@/contracts/privacy";
import { personIdParam } from "@/server/personnel/route-params";
import { anonymisePerson } from "@/server/privacy/privacy";

/** POST /api/v1/personnel/{id}/anonymise: a leaver's identity and photos removed, sign-in disabled; visits kept (admins; audited). */
export const POST = apiRoute<{ id: string }>("personnel.manage", async ({ req, ctx, params }) => {
  const id = personIdParam(params.id);
  return NextResponse.json(await anonymisePerson(ctx, id, await readJson(req, anonymiseInput)));
});
