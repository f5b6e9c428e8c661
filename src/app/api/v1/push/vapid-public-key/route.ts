import { NextResponse } from "next/server";
import { apiRoute } from "@/server/http/api";
import { getVapidPublicKey } from "@/server/push/push-subscriptions";

export const GET = apiRoute("account.read", async ({ ctx }) => NextResponse.json(await getVapidPublicKey(ctx)));
