import { z } from "zod";
import { idString } from "./ids";

const isoInstant = z.iso.datetime({ offset: true, error: "an ISO 8601 date-time with a time zone (e.g. 2026-11-25T10:00:00Z)" });
const id = idString;

export const listAuditQuery = z
  .strictObject({
    /** An exact action ("personnel.role_changed") or a family ending in ".*" ("personnel.*"). */
    action: z
      .string()
      .trim()
      .max(64)
      .regex(/^[a-z_]+(\.[a-z_]+)*(\.\*)?$/, { error: "an action like personnel.role_changed or a family like personnel.*" })
      .optional(),
    actor_id: id.optional(),
    target_personnel_id: id.optional(),
    /** Inclusive lower bound. */
    from: isoInstant.optional(),
    /** Exclusive upper bound. */
    to: isoInstant.optional(),
    cursor: z.coerce.number({ error: "cursor: not a cursor this API returned" }).int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { error: "from must be before to", path: ["to"] });
export type ListAuditQuery = z.infer<typeof listAuditQuery>;

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  action: z.string(),
  actor_id: z.number().int().nullable(),
  actor_email: z.string().nullable(),
  actor_name: z.string().nullable(),
  subject_type: z.string().nullable(),
  subject_id: z.string().nullable(),
  target_personnel_id: z.number().int().nullable(),
  target_name: z.string().nullable(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditPageSchema = z.object({ items: z.array(auditEntrySchema), next_cursor: z.string().nullable() });
export type AuditPage = z.infer<typeof auditPageSchema>;
