import { NextResponse } from "next/server";
import { apiRoute, parseInput, readJson } from "@/server/http/api";
import { closeVisit } from "@/server/visits/close-visit";
import { closeVisitBody } from "@/contracts/visit-close";
import { visitIdParams } from "@/contracts/visits";

/** A manager or admin checks out a visit the rep forgot (flagged CLOSED_BY_MANAGER, audited); a replay of client_id answers the first result. */
export const POST = apiRoute<{ id: string }>("visits.close", async ({ req, ctx, params }) => {
  const visitId = parseInput(visitIdParams, params).id;
  const body = await readJson(req, closeVisitBody);
  return NextResponse.json(await closeVisit(ctx, { ...body, visit_id: visitId }));
});
