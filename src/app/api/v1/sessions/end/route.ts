import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/server/http/api";
import { endSession } from "@/server/sessions/end-session";
import { endSessionInput } from "@/contracts/sessions";

export const POST = apiRoute("sessions.write", async ({ req, ctx }) => NextResponse.json(await endSession(ctx, await readJson(req, endSessionInput))));
