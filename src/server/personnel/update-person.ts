import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { queryRows } from "../db/client";
import { auditPerson, employeeIdTaken, mutatePerson, type LockedPerson, type TxCtx } from "./person-rules";
import type { Person, UpdateDetailsInput } from "@/contracts/personnel";

export type DetailsChange = { name?: string; phone?: string | null; employee_id?: string | null };

/** Name, phone and employee id: one `personnel.updated` audit row listing each field's from → to. */
export async function applyDetails(t: TxCtx, p: LockedPerson, d: DetailsChange): Promise<void> {
  const changes: Record<string, { from: string | null; to: string | null }> = {};
  if (d.name !== undefined && d.name !== p.name) changes.name = { from: p.name, to: d.name };
  if (d.phone !== undefined && d.phone !== p.phone) changes.phone = { from: p.phone, to: d.phone };
  if (d.employee_id !== undefined && d.employee_id !== p.employee_id) changes.employee_id = { from: p.employee_id, to: d.employee_id };
  if (Object.keys(changes).length === 0) return;
  if (changes.employee_id?.to) {
    const taken = await queryRows(t.tx, sql`SELECT 1 FROM personnel WHERE employee_id = ${changes.employee_id.to} AND id <> ${p.id}`);
    if (taken.length > 0) throw employeeIdTaken();
  }
  const name = changes.name ? changes.name.to : p.name;
  const phone = changes.phone ? changes.phone.to : p.phone;
  const employeeId = changes.employee_id ? changes.employee_id.to : p.employee_id;
  await t.tx.execute(
    sql`UPDATE personnel SET name = ${name}, phone = ${phone}, employee_id = ${employeeId}, updated_at = ${t.now.toISOString()}::timestamptz WHERE id = ${p.id}`,
  );
  await auditPerson(t, "personnel.updated", p.id, { changes });
  Object.assign(p, { name, phone, employee_id: employeeId });
}

export async function updatePerson(ctx: Ctx, input: UpdateDetailsInput): Promise<Person> {
  return mutatePerson(ctx, { scope: "personnel.update_details", clientId: input.client_id, request: input }, input.id, (t, p) => applyDetails(t, p, input));
}
