import { NextResponse } from "next/server";
import { getDbHandle } from "@/server/db";
import { route } from "@/server/http/handler";
import { checkReadiness } from "@/server/readiness";

export const dynamic = "force-dynamic";

/** Readiness: the database answers and every migration of this build is applied (liveness is /api/health). */
export const GET = route(async () => {
  const ready = await checkReadiness(getDbHandle);
  return NextResponse.json(ready, { status: ready.status === "ready" ? 200 : 503, headers: { "cache-control": "no-store" } });
});
