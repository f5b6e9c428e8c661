import { env } from "@/env";
import { getDbHandle } from "@/server/db";
import { checkHealth } from "@/server/health";
import { route } from "@/server/http/handler";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const health = await checkHealth(getDbHandle, env.DATABASE_URL ? "postgres" : "pglite");
  // Response.json, not NextResponse.json: the same answer without a second Response and a cookie jar built around it.
  return Response.json(health, { status: health.status === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
});
