import "server-only";
import type { Ctx } from "../auth/actor";
import { applyDeactivate } from "./deactivate-person";
import { mutatePerson } from "./person-rules";
import type { Person, UpdatePersonInput } from "@/contracts/personnel";
import { applyReactivate } from "./reactivate-person";
import { applyManager } from "./set-manager";
import { applyRole } from "./set-role";
import { applyDetails } from "./update-person";

/**
 * PATCH /api/v1/personnel/{id}: any subset of name, phone, employee_id, manager_id, role, active in
 * one transaction, each change audited on its own. Order matters and is fixed: details, then the
 * new manager (so "make this manager a rep under X" can name X in the same request), then the
 * role, then activation last (so a reactivated rep can be given a manager in the same request).
 */
export async function patchPerson(ctx: Ctx, id: number, input: UpdatePersonInput): Promise<Person> {
  return mutatePerson(ctx, { scope: "personnel.patch", clientId: input.client_id, request: { id, ...input } }, id, async (t, p) => {
    await applyDetails(t, p, input);
    if (input.manager_id !== undefined) await applyManager(t, p, input.manager_id, input.role ?? p.role);
    if (input.role !== undefined) await applyRole(t, p, input.role);
    if (input.active === true) await applyReactivate(t, p);
    if (input.active === false) await applyDeactivate(t, p);
  });
}
