import { NextResponse } from "next/server";
import { apiRoute } from "@/server/http/api";
import { personIdParam } from "@/server/personnel/route-params";
import { exportPersonData } from "@/server/privacy/privacy";

/** GET /api/v1/personnel/{id}/export: everything held about one person, as a JSON download (admins; audited). */
export const GET = apiRoute<{ id: string }>("personnel.manage", async ({ ctx, params }) => {
  const id = personIdParam(params.id);
  return NextResponse.json(await exportPersonData(ctx, id), { headers: { "Content-Disposition": `attachment; filename="fieldbeat-person-${id}.json"` } });
});
