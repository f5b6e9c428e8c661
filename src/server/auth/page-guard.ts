import "server-only";
import { forbidden, redirect } from "next/navigation";
import { getDb } from "../db";
import type { PersonnelRole } from "../db/schema";
import type { Actor, Ctx } from "./actor";
import { getSessionState } from "./session";

/**
 * The page door: who is signed in, nothing more. Signed out (or a session that no longer holds: deactivated,
 * revoked) → /login; a manager/admin the organisation requires to enrol in MFA → /account/security;
 * a role that has no business in this area → the 403 page. Which *records* they may see is the use-cases' call.
 */
export async function requirePageActor(roles?: readonly PersonnelRole[], opts: { allowMfaEnrolment?: boolean } = {}): Promise<Actor> {
  const s = await getSessionState();
  // /login/expired clears a cookie that no longer works, so the proxy stops treating it as a session.
  if (!s) redirect("/login/expired");
  if (s.mfaEnrolmentRequired && !opts.allowMfaEnrolment) redirect("/account/security");
  if (roles && !roles.includes(s.actor.role)) forbidden();
  return s.actor;
}

/** The use-case context for a page render. */
export async function pageCtx(actor: Actor): Promise<Ctx> {
  return { db: await getDb(), actor, now: new Date() };
}
