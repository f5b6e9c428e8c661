import { NextResponse } from "next/server";
import { apiRoute, parseInput, readJson } from "@/server/http/api";
import { reviewVisit } from "@/server/visits/review-visit";
import { reviewVisitBody } from "@/contracts/visit-review";
import { visitIdParams } from "@/contracts/visits";

/** A manager's approve/reject with a comment (MANUAL validation row, audited); a replay of client_id answers the first result. */
export const POST = apiRoute<{ id: string }>("validations.review", async ({ req, ctx, params }) => {
  const visitId = parseInput(visitIdParams, params).id;
  const body = await readJson(req, reviewVisitBody);
  return NextResponse.json(await reviewVisit(ctx, { ...body, visit_id: visitId }));
});
