import { NextResponse } from "next/server";
import { apiRoute, parseInput, readJson } from "@/server/http/api";
import { createPerson } from "@/server/personnel/create-person";
import { listPersonnel } from "@/server/personnel/personnel.queries";
import { createPersonInput, listPersonnelQuery } from "@/contracts/personnel";
import { searchParamsObject } from "@/server/personnel/route-params";

/** GET /api/v1/personnel: admins see everyone, managers their reporting subtree (read-only), reps 403. */
export const GET = apiRoute("team.read", async ({ req, ctx }) => {
  return NextResponse.json(await listPersonnel(ctx, parseInput(listPersonnelQuery, searchParamsObject(req))));
});

/** POST /api/v1/personnel: 201 with the new person (and a generated password once); a client_id replay answers 200. */
export const POST = apiRoute("personnel.manage", async ({ req, ctx }) => {
  const r = await createPerson(ctx, await readJson(req, createPersonInput));
  return NextResponse.json({ ...r.person, temporary_password: r.temporary_password }, { status: r.created ? 201 : 200 });
});
