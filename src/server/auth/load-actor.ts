import "server-only";
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { personnel } from "../db/schema";
import type { Actor, CredentialKind } from "./actor";

/**
 * The one per-request read of the person behind a credential (session cookie, access token, API key):
 * null when they are deactivated, or when the credential was issued (`issuedAtMs`) before their
 * `tokens_valid_after` (password reset, "sign out everywhere"). So both stop working at the next request.
 */
export async function loadActivePerson(db: Db, personnelId: number, issuedAtMs?: number) {
  const [p] = await db
    .select({ id: personnel.id, role: personnel.role, name: personnel.name, email: personnel.email, tokensValidAfter: personnel.tokensValidAfter, mfaEnabledAt: personnel.mfaEnabledAt })
    .from(personnel)
    .where(and(eq(personnel.id, personnelId), eq(personnel.active, true)));
  if (!p) return null;
  if (issuedAtMs !== undefined && p.tokensValidAfter && issuedAtMs < p.tokensValidAfter.getTime()) return null;
  return p;
}

/** Loads an active person as an actor (see loadActivePerson). */
export async function loadActor(db: Db, personnelId: number, via: CredentialKind, extra: Partial<Actor> = {}, issuedAtMs?: number): Promise<Actor | null> {
  const p = await loadActivePerson(db, personnelId, issuedAtMs);
  return p ? { id: p.id, role: p.role, name: p.name, email: p.email, via, readOnly: false, ...extra } : null;
}
