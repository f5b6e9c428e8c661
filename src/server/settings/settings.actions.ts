"use server";
import { defineAction } from "../http/action";
import { updateSecuritySettingsInput } from "@/contracts/settings";
import { updateSecuritySettings } from "./update-security-settings";

export const updateSecuritySettingsAction = defineAction({ name: "settings.updateSecurity", permission: "settings.manage", input: updateSecuritySettingsInput, run: updateSecuritySettings });
