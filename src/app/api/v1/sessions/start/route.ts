import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/server/http/api";
import { startSessionInput } from "@/contracts/sessions";
import { startSession } from "@/server/sessions/start-session";

/** 201 when the day was opened by this request, 200 when it was already open (or on a replay). */
export const POST = apiRoute("sessions.write", async ({ req, ctx }) => {
  const { body, created } = await startSession(ctx, await readJson(req, startSessionInput));
  return NextResponse.json(body, { status: created ? 201 : 200 });
});
