import { NextResponse } from "next/server";
import { apiRoute, parseInput, readJson } from "@/server/http/api";
import { deleteBeat, getBeat, updateBeat } from "@/server/plans/beats";
import { beatIdParams, patchBeatRequest } from "@/contracts/beats";

type P = { id: string };

export const GET = apiRoute<P>("beats.read", async ({ ctx, params }) => NextResponse.json(await getBeat(ctx, parseInput(beatIdParams, params).id)));

export const PATCH = apiRoute<P>("beats.manage", async ({ req, ctx, params }) => {
  const id = parseInput(beatIdParams, params).id;
  return NextResponse.json(await updateBeat(ctx, id, await readJson(req, patchBeatRequest)));
});

/** DELETE: 204; the untouched days it wrote from today on go with it. */
export const DELETE = apiRoute<P>("beats.manage", async ({ ctx, params }) => {
  await deleteBeat(ctx, parseInput(beatIdParams, params).id);
  return new NextResponse(null, { status: 204 });
});
