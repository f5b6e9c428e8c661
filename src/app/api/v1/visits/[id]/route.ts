import { NextResponse } from "next/server";
import { apiRoute, parseInput } from "@/server/http/api";
import { getVisit } from "@/server/visits/visits.queries";
import { visitIdParams } from "@/contracts/visits";

export const GET = apiRoute<{ id: string }>("visits.read", async ({ ctx, params }) => NextResponse.json(await getVisit(ctx, parseInput(visitIdParams, params).id)));
