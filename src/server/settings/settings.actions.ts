"use server";
import { defineAction } from "../http/action";
import { updateDashboardSettingsInput, updateSecuritySettingsInput } from "@/contracts/settings";
import { updateDashboardSettings } from "./update-dashboard-settings";
import { updateSecuritySettings } from "./update-security-settings";

export const updateSecuritySettingsAction = defineAction({ name: "settings.updateSecurity", permission: "settings.manage", input: updateSecuritySettingsInput, run: updateSecuritySettings });
export const updateDashboardSettingsAction = defineAction({ name: "settings.updateDashboard", permission: "settings.manage", input: updateDashboardSettingsInput, run: updateDashboardSettings });
