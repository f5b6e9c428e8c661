import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/server/http/api";
import { checkOut } from "@/server/visits/check-out";
import { checkOutInput } from "@/contracts/visits";

export const POST = apiRoute("visits.write", async ({ req, ctx }) => NextResponse.json(await checkOut(ctx, await readJson(req, checkOutInput))));
