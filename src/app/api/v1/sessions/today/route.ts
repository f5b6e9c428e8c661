import { NextResponse } from "next/server";
import { getTodaySession } from "@/server/sessions/get-today-session";
import { apiRoute } from "@/server/http/api";

export const GET = apiRoute("sessions.read", async ({ ctx }) => NextResponse.json(await getTodaySession(ctx)));
