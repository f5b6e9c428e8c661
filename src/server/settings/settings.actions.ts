"use server";
import { defineAction } from "../http/action";
import { updateDashboardSettingsInput, updatePhotoSettingsInput, updateSecuritySettingsInput } from "@/contracts/settings";
import { updateDashboardSettings } from "./update-dashboard-settings";
import { updatePhotoSettings } from "./update-photo-settings";
import { updateSecuritySettings } from "./update-security-settings";

export const updateSecuritySettingsAction = defineAction({ name: "settings.updateSecurity", permission: "settings.manage", input: updateSecuritySettingsInput, run: updateSecuritySettings });
export const updateDashboardSettingsAction = defineAction({ name: "settings.updateDashboard", permission: "settings.manage", input: updateDashboardSettingsInput, run: updateDashboardSettings });
export const updatePhotoSettingsAction = defineAction({ name: "settings.updatePhotos", permission: "settings.manage", input: updatePhotoSettingsInput, run: updatePhotoSettings });
