"use server";
import { defineAction } from "../http/action";
import { updateOrgSettingsInput } from "@/contracts/settings";
import { updateOrgSettings } from "./update-org-settings";

/** The /admin/settings form: the same use-case as PATCH /api/v1/settings (idempotent on client_id, audited before → after). */
export const updateOrgSettingsAction = defineAction({ name: "settings.update", permission: "settings.manage", input: updateOrgSettingsInput, run: updateOrgSettings });
