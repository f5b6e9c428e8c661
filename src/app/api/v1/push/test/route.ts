import { NextResponse } from "next/server";
import { apiRoute } from "@/server/http/api";
import { sendTestPush } from "@/server/push/send-push";

export const POST = apiRoute("account.manage", async ({ ctx }) => NextResponse.json(await sendTestPush(ctx)));
