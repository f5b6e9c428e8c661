"use server";
import { defineAction } from "../http/action";
import { createPerson } from "./create-person";
import { deactivatePerson } from "./deactivate-person";
import { createPersonInput, personRefInput, resetPasswordActionInput, setManagerInput, setRoleInput, updateDetailsInput } from "@/contracts/personnel";
import { reactivatePerson } from "./reactivate-person";
import { resetPassword } from "./reset-password";
import { setManager } from "./set-manager";
import { setRole } from "./set-role";
import { updatePerson } from "./update-person";

// Thin adapters for the admin pages: the same use-cases as /api/v1/personnel (authorization inside them).
export const createPersonAction = defineAction({ name: "personnel.create", permission: "personnel.manage", input: createPersonInput, run: createPerson });
export const updatePersonAction = defineAction({ name: "personnel.update", permission: "personnel.manage", input: updateDetailsInput, run: updatePerson });
export const setRoleAction = defineAction({ name: "personnel.setRole", permission: "personnel.manage", input: setRoleInput, run: setRole });
export const setManagerAction = defineAction({ name: "personnel.setManager", permission: "personnel.manage", input: setManagerInput, run: setManager });
export const deactivatePersonAction = defineAction({ name: "personnel.deactivate", permission: "personnel.manage", input: personRefInput, run: deactivatePerson });
export const reactivatePersonAction = defineAction({ name: "personnel.reactivate", permission: "personnel.manage", input: personRefInput, run: reactivatePerson });
export const resetPasswordAction = defineAction({ name: "personnel.resetPassword", permission: "personnel.manage", input: resetPasswordActionInput, run: (ctx, { id, ...i }) => resetPassword(ctx, id, i) });
