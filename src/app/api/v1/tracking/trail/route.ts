import { NextResponse } from "next/server";
import { apiRoute, parseInput } from "@/server/http/api";
import { getTrail } from "@/server/tracking/tracking.queries";
import { trailQuerySchema } from "@/contracts/tracking";
import { requestMeta } from "@/server/http/request-meta";

/** GET /api/v1/tracking/trail?personnel_id&date: one person's day of fixes and gaps (scoped; audited when not one's own). */
export const GET = apiRoute("tracking.read", async ({ req, ctx }) => {
  const query = parseInput(trailQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
  const meta = requestMeta(req);
  return NextResponse.json(await getTrail(ctx, query, meta));
});
