import { NextResponse } from "next/server";
import { apiRoute, parseInput, readJson } from "@/server/http/api";
import { createBeat, listBeats } from "@/server/plans/beats";
import { queryParams } from "@/contracts/locations";
import { createBeatRequest, listBeatsQuery } from "@/contracts/beats";

/** GET /api/v1/beats: the beats in the caller's scope (a rep: their own). */
export const GET = apiRoute("beats.read", async ({ req, ctx }) => {
  const q = parseInput(listBeatsQuery, queryParams(req));
  return NextResponse.json({ items: await listBeats(ctx, q.personnel_id) });
});

/** POST /api/v1/beats: 201; a replay of client_id answers 200 with the same beat. */
export const POST = apiRoute("beats.manage", async ({ req, ctx }) => {
  const { beat, replayed } = await createBeat(ctx, await readJson(req, createBeatRequest));
  return NextResponse.json(beat, { status: replayed ? 200 : 201 });
});
