import "server-only";
import type { Actor } from "../auth/actor";
import type { Db } from "../db/client";
import { auditLog } from "../db/schema";

/** Where a request came from, for the audit trail (set by the doors; the domain never reads a Request). */
export type RequestMeta = { ip?: string | null; userAgent?: string | null };

export type AuditEntry = {
  /** e.g. auth.sign_in, auth.sign_in_failed, mfa.enrolled, personnel.role_changed, apikey.created, trail.viewed, report.exported */
  action: string;
  actor?: Pick<Actor, "id" | "email"> | null;
  /** For failures before an actor exists (unknown email). */
  actorEmail?: string | null;
  subjectType?: string;
  subjectId?: string | number;
  /** The person whose data this is about (e.g. whose location trail was viewed). */
  targetPersonnelId?: number | null;
  details?: Record<string, unknown>;
  meta?: RequestMeta;
  at?: Date;
};

/** Appends one audit row. Pass the transaction of the change, so the record and the change land together. */
export async function recordAudit(db: Db, e: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    action: e.action,
    actorId: e.actor?.id ?? null,
    actorEmail: e.actor?.email ?? e.actorEmail ?? null,
    subjectType: e.subjectType ?? null,
    subjectId: e.subjectId === undefined ? null : String(e.subjectId),
    targetPersonnelId: e.targetPersonnelId ?? null,
    ip: e.meta?.ip?.slice(0, 64) ?? null,
    userAgent: e.meta?.userAgent ?? null,
    details: e.details ?? {},
    ...(e.at ? { createdAt: e.at } : {}),
  });
}
