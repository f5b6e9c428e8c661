"use server";
import { defineAction } from "../http/action";
import { updatePhotoSettingsInput, updateSecuritySettingsInput } from "@/contracts/settings";
import { updatePhotoSettings } from "./update-photo-settings";
import { updateSecuritySettings } from "./update-security-settings";

export const updateSecuritySettingsAction = defineAction({ name: "settings.updateSecurity", permission: "settings.manage", input: updateSecuritySettingsInput, run: updateSecuritySettings });
export const updatePhotoSettingsAction = defineAction({ name: "settings.updatePhotos", permission: "settings.manage", input: updatePhotoSettingsInput, run: updatePhotoSettings });
