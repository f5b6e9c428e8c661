import { AppError } from "../errors";
import type { PersonnelRole } from "../db/schema";
import type { Actor } from "./actor";

/**
 * The one permission matrix: which roles may do what at all. *Whose* data they may touch is the
 * scope rule (scope.ts): a rep their own, a manager their reporting subtree, an admin everyone.
 */
export const PERMISSIONS = {
  /** One's own account (GET /api/v1/auth/me): anyone signed in. */
  "account.read": ["rep", "manager", "admin"],
  /** Managing one's own sign-in (MFA enrolment, recovery codes): anyone signed in, only for themself. */
  "account.manage": ["rep", "manager", "admin"],
  "visits.read": ["rep", "manager", "admin"],
  "visits.write": ["rep", "manager"],
  "sessions.read": ["rep", "manager", "admin"],
  "sessions.write": ["rep", "manager"],
  "tracking.read": ["rep", "manager", "admin"],
  "tracking.write": ["rep", "manager"],
  "locations.read": ["rep", "manager", "admin"],
  "locations.manage": ["manager", "admin"],
  "team.read": ["manager", "admin"],
  /** The live event stream (GET /api/v1/events) of one's scope; a rep hears only changes to their own plan (realtime/scope-filter.ts). */
  "events.read": ["rep", "manager", "admin"],
  "validations.review": ["manager", "admin"],
  /** Checking out a visit a rep in one's scope forgot (flagged CLOSED_BY_MANAGER). */
  "visits.close": ["manager", "admin"],
  /** Acknowledging the dashboard's alerts (of people in one's scope). */
  "alerts.manage": ["manager", "admin"],
  "reports.export": ["manager", "admin"],
  /** Reports of one's scope (visits, summary): a rep their own, a manager their subtree, an admin all. */
  "reports.read": ["rep", "manager", "admin"],
  /** Creating and deleting scheduled report e-mails (managers for their scope, admins any). */
  "reports.schedule": ["manager", "admin"],
  "personnel.manage": ["admin"],
  "settings.manage": ["admin"],
  "apikeys.manage": ["admin"],
  "audit.read": ["admin"],
  /** Day plans (issue #19): managers their subtree's, admins anyone's; a rep only reorders their own pending stops (plans/day-plan.ts). */
  "plans.write": ["rep", "manager", "admin"],
  /** Beats: a rep reads their own; managers and admins write them for their scope. */
  "beats.read": ["rep", "manager", "admin"],
  "beats.manage": ["manager", "admin"],
  /** Computing a route (POST /routes/optimize) writes nothing: anyone signed in, read-only keys too. */
  "routes.read": ["rep", "manager", "admin"],
} as const satisfies Record<string, readonly PersonnelRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(actor: Actor, permission: Permission): boolean {
  if (actor.readOnly && !permission.endsWith(".read")) return false;
  return (PERMISSIONS[permission] as readonly PersonnelRole[]).includes(actor.role);
}

/** 403 when the role (or a read-only key) lacks the permission. Out-of-scope *records* answer 404 instead (scope.ts). */
export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) {
    throw new AppError("FORBIDDEN", actor.readOnly && !permission.endsWith(".read") ? "This API key is read-only." : `Your role (${actor.role}) may not do this (${permission}).`);
  }
}
