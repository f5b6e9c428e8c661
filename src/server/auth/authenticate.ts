import "server-only";
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { personnel } from "../db/schema";
import { AppError } from "../errors";
import type { Actor, CredentialKind } from "./actor";
import { verifyAccessToken } from "./tokens";

/** Loads an active person as an actor. Deactivated people stop working at their very next request. */
export async function loadActor(db: Db, personnelId: number, via: CredentialKind, extra: Partial<Actor> = {}): Promise<Actor | null> {
  const [p] = await db
    .select({ id: personnel.id, role: personnel.role, name: personnel.name, email: personnel.email })
    .from(personnel)
    .where(and(eq(personnel.id, personnelId), eq(personnel.active, true)));
  return p ? { ...p, via, readOnly: false, ...extra } : null;
}

/**
 * Who sent this request: `Authorization: Bearer <access token>` today; API keys and the
 * session cookie join here, so every door resolves actors the same way.
 * Returns null when no credential was sent; throws 401 when one was sent and is not valid.
 */
export async function authenticate(req: Request, db: Db, now: Date): Promise<Actor | null> {
  const header = req.headers.get("authorization");
  if (!header) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) throw unauthorized("Malformed Authorization header: expected 'Bearer <token>'.");
  const id = await verifyAccessToken(m[1]!, now);
  if (id === null) throw unauthorized("The access token is expired or invalid.");
  const actor = await loadActor(db, id, "access_token");
  if (!actor) throw unauthorized("This account is not active.");
  return actor;
}

export const unauthorized = (message = "Sign in first.") => new AppError("UNAUTHENTICATED", message, { status: 401 });
