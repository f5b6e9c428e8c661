import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/server/http/api";
import { getSettingsForAdmin, updateOrgSettings } from "@/server/settings/update-org-settings";
import { updateOrgSettingsInput } from "@/contracts/settings";

/** GET /api/v1/settings: every organisation setting in one object (admins). */
export const GET = apiRoute("settings.manage", async ({ ctx }) => NextResponse.json(await getSettingsForAdmin(ctx)));

/** PATCH /api/v1/settings: any subset, with client_id; audited with before → after. */
export const PATCH = apiRoute("settings.manage", async ({ req, ctx }) => NextResponse.json(await updateOrgSettings(ctx, await readJson(req, updateOrgSettingsInput))));
