import { NextResponse } from "next/server";
import { apiRoute, parseInput } from "@/server/http/api";
import { getVisitWithPhoto } from "@/server/visits/visit-evidence.queries";
import { visitIdParams } from "@/contracts/visits";

export const GET = apiRoute<{ id: string }>("visits.read", async ({ ctx, params }) => NextResponse.json(await getVisitWithPhoto(ctx, parseInput(visitIdParams, params).id)));
