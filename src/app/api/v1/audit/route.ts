import { NextResponse } from "next/server";
import { listAuditLog } from "@/server/audit/audit.queries";
import { listAuditQuery } from "@/contracts/audit";
import { apiRoute, parseInput } from "@/server/http/api";

/** GET /api/v1/audit: the audit log, newest first, filterable (admins only). */
export const GET = apiRoute("audit.read", async ({ req, ctx }) => {
  const query = Object.fromEntries(new URL(req.url).searchParams);
  return NextResponse.json(await listAuditLog(ctx, parseInput(listAuditQuery, query)));
});
