import { z } from "zod";
import { idString, idValue } from "./ids";

/** New passwords set by an admin: long enough that a temporary one survives an offline guess. */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export const personnelRoles = ["rep", "manager", "admin"] as const;

const clientId = z.uuid({ error: "client_id must be a UUID" });
const personId = idValue;
const name = z.string({ error: "name is required" }).trim().min(1, { error: "name is required" }).max(255);
/** Stored lower-case so uniqueness is case-insensitive ("A@x.test" and "a@x.test" are one address). */
const email = z
  .string({ error: "email is required" })
  .trim()
  .max(255)
  .pipe(z.email({ error: "email must be an email address" }))
  .transform((e) => e.toLowerCase());
const phone = z
  .string()
  .trim()
  .max(20, { error: "phone is at most 20 characters" })
  .regex(/^\+?[0-9 ()-]*$/, { error: "phone may hold digits, spaces, ( ) - and a leading +" })
  .transform((p) => (p === "" ? null : p));
const employeeId = z
  .string()
  .trim()
  .max(50)
  .transform((e) => (e === "" ? null : e));
const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, { error: `password must be at least ${MIN_PASSWORD_LENGTH} characters` })
  .max(MAX_PASSWORD_LENGTH);

export const createPersonInput = z.strictObject({
  client_id: clientId,
  name,
  email,
  phone: phone.nullish(),
  employee_id: employeeId.nullish(),
  role: z.enum(personnelRoles, { error: "role must be rep, manager or admin" }),
  /** Required for reps (a rep without a manager would be seen by admins only). */
  manager_id: personId.nullish(),
  /** Omit to have a temporary password generated and shown once. */
  password: password.optional(),
});
export type CreatePersonInput = z.infer<typeof createPersonInput>;

/** PATCH: any subset of the editable fields; each change is audited on its own. */
export const updatePersonInput = z
  .strictObject({
    client_id: clientId,
    name: name.optional(),
    phone: phone.nullish(),
    employee_id: employeeId.nullish(),
    role: z.enum(personnelRoles, { error: "role must be rep, manager or admin" }).optional(),
    manager_id: personId.nullable().optional(),
    active: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).some((k) => k !== "client_id"), { error: "send at least one field to change", path: ["name"] });
export type UpdatePersonInput = z.infer<typeof updatePersonInput>;

/** Single-purpose mutations (server actions); `id` is the person changed. */
export const updateDetailsInput = z.strictObject({ client_id: clientId, id: personId, name: name.optional(), phone: phone.nullish(), employee_id: employeeId.nullish() });
export const setRoleInput = z.strictObject({ client_id: clientId, id: personId, role: z.enum(personnelRoles, { error: "role must be rep, manager or admin" }) });
export const setManagerInput = z.strictObject({ client_id: clientId, id: personId, manager_id: personId.nullable() });
export const personRefInput = z.strictObject({ client_id: clientId, id: personId });
export const resetPasswordInput = z.strictObject({ client_id: clientId, password: password.optional() });
export const resetPasswordActionInput = resetPasswordInput.extend({ id: personId });

export type UpdateDetailsInput = z.infer<typeof updateDetailsInput>;
export type SetRoleInput = z.infer<typeof setRoleInput>;
export type SetManagerInput = z.infer<typeof setManagerInput>;
export type PersonRefInput = z.infer<typeof personRefInput>;
export type ResetPasswordInput = z.infer<typeof resetPasswordInput>;

const boolParam = z.enum(["true", "false"]).transform((v) => v === "true");

export const listPersonnelQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  role: z.enum(personnelRoles).optional(),
  /** Default: everyone; `true`/`false` filter on status. */
  active: boolParam.optional(),
  manager_id: idString.optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ListPersonnelQuery = z.infer<typeof listPersonnelQuery>;

export const personSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string(),
  phone: z.string().nullable(),
  employee_id: z.string().nullable(),
  role: z.enum(personnelRoles),
  manager_id: z.number().int().nullable(),
  manager_name: z.string().nullable(),
  active: z.boolean(),
  mfa_enabled: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Person = z.infer<typeof personSchema>;

export const personnelPageSchema = z.object({ items: z.array(personSchema), next_cursor: z.string().nullable() });
export type PersonnelPage = z.infer<typeof personnelPageSchema>;

/** Create and reset-password answer with the temporary password once, when the server generated it. */
export const createdPersonSchema = personSchema.extend({ temporary_password: z.string().nullable() });
export const passwordResetResultSchema = z.object({ id: z.number().int(), temporary_password: z.string().nullable(), replayed: z.boolean() });
export type PasswordResetResult = z.infer<typeof passwordResetResultSchema>;
