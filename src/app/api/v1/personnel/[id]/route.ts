import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/server/http/api";
import { patchPerson } from "@/server/personnel/patch-person";
import { getPersonOrThrow } from "@/server/personnel/personnel.queries";
import { updatePersonInput } from "@/contracts/personnel";
import { personIdParam } from "@/server/personnel/route-params";

type Params = { id: string };

/** GET /api/v1/personnel/{id}: one person in the actor's scope; out of scope answers 404. */
export const GET = apiRoute<Params>("team.read", async ({ ctx, params }) => {
  return NextResponse.json(await getPersonOrThrow(ctx, personIdParam(params.id)));
});

/** PATCH /api/v1/personnel/{id}: name, phone, employee_id, role, manager_id, active; each change audited. */
export const PATCH = apiRoute<Params>("personnel.manage", async ({ req, ctx, params }) => {
  const id = personIdParam(params.id);
  return NextResponse.json(await patchPerson(ctx, id, await readJson(req, updatePersonInput)));
});
