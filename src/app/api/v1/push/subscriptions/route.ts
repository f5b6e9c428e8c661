import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/server/http/api";
import { subscribePush } from "@/server/push/push-subscriptions";
import { pushSubscriptionInput } from "@/contracts/push";

export const POST = apiRoute("account.manage", async ({ req, ctx }) =>
  NextResponse.json(await subscribePush(ctx, await readJson(req, pushSubscriptionInput, 10_000), req.headers.get("user-agent")), { status: 201 }),
);
