import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/server/http/api";
import { unsubscribePush } from "@/server/push/push-subscriptions";
import { pushUnsubscribeInput } from "@/contracts/push";

export const POST = apiRoute("account.manage", async ({ req, ctx }) => NextResponse.json(await unsubscribePush(ctx, await readJson(req, pushUnsubscribeInput, 10_000))));
