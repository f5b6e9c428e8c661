import "server-only";
import { and, eq } from "drizzle-orm";
import { getDbHandle } from "../db";
import type { Db } from "../db/client";
import { personnel } from "../db/schema";
import type { Actor, CredentialKind } from "./actor";
import { actorCacheFor, type ActorCache } from "./actor-cache";

/** The process's actor cache when `db` is the process's database itself (not a transaction or another handle). */
async function cacheFor(db: Db): Promise<ActorCache | null> {
  try {
    const handle = await getDbHandle();
    return handle.db === db ? actorCacheFor(handle) : null;
  } catch {
    return null;
  }
}

/**
 * The person behind a credential (session cookie, access token, API key): null when they are deactivated, or
 * when the credential was issued (`issuedAtMs`) before their `tokens_valid_after` (password reset, "sign out
 * everywhere"). So both stop working at the next request.
 * With `cached` (the API's bearer tokens and keys), read through the instance's actor cache, which every change to
 * the person's row invalidates on every instance (actor-cache.ts); pages and server actions always read the row.
 */
export async function loadActivePerson(db: Db, personnelId: number, issuedAtMs?: number, opts: { cached?: boolean } = {}) {
  const cache = opts.cached ? await cacheFor(db) : null;
  let p = await cache?.get(personnelId);
  if (!p) {
    const generation = cache?.begin() ?? 0;
    [p] = await db
      .select({ id: personnel.id, role: personnel.role, name: personnel.name, email: personnel.email, tokensValidAfter: personnel.tokensValidAfter, mfaEnabledAt: personnel.mfaEnabledAt })
      .from(personnel)
      .where(and(eq(personnel.id, personnelId), eq(personnel.active, true)));
    if (p) cache?.set(p, generation);
  }
  if (!p) return null;
  if (issuedAtMs !== undefined && p.tokensValidAfter && issuedAtMs < p.tokensValidAfter.getTime()) return null;
  return p;
}

/** Loads an active person as an actor (see loadActivePerson). */
export async function loadActor(db: Db, personnelId: number, via: CredentialKind, extra: Partial<Actor> = {}, issuedAtMs?: number): Promise<Actor | null> {
  const p = await loadActivePerson(db, personnelId, issuedAtMs, { cached: via !== "session" });
  return p ? { id: p.id, role: p.role, name: p.name, email: p.email, via, readOnly: false, ...extra } : null;
}
