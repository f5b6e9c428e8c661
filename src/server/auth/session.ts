import "server-only";
import { getOrgSettings } from "../settings/org-settings";
import { decode, type JWT } from "next-auth/jwt";
import { cookies } from "next/headers";
import { requireAuthSecret } from "@/env";
import { getDb } from "../db";
import type { Db } from "../db/client";
import type { Actor } from "./actor";
import { loadActivePerson } from "./load-actor";
import { SESSION_COOKIE } from "./session-cookie";

/** A signed-in person, and whether the organisation makes them enrol in MFA before anything else. */
export type SessionState = { actor: Actor; mfaEnrolmentRequired: boolean };

/** next-auth splits large cookies into `name.0`, `name.1`…: join them back in order. */
export function sessionCookieValue(cookies: Iterable<{ name: string; value: string }>, name = SESSION_COOKIE): string | null {
  const parts: [number, string][] = [];
  for (const c of cookies) {
    if (c.name === name) parts.push([0, c.value]);
    else if (c.name.startsWith(name + ".")) parts.push([Number(c.name.slice(name.length + 1)) || 0, c.value]);
  }
  return parts.length ? parts.sort((a, b) => a[0] - b[0]).map((p) => p[1]).join("") : null;
}

async function decodeSession(token: string | null): Promise<JWT | null> {
  if (!token) return null;
  try {
    return await decode({ token, secret: requireAuthSecret() }); // also refuses an expired token
  } catch {
    return null; // tampered, or sealed with another secret
  }
}

/**
 * Re-reads the person on every request: a deactivated person, or a session older than
 * `tokens_valid_after` (password reset, "sign out everywhere"), stops working at once.
 */
export async function sessionStateFromToken(db: Db, token: JWT | null, now: Date): Promise<SessionState | null> {
  void now; // expiry is checked by decode(); kept for the (ctx-style) signature and tests
  const id = Number(token?.sub);
  const signedInAt = token?.signed_in_at;
  if (!token || !Number.isInteger(id) || id <= 0 || typeof signedInAt !== "number") return null;
  const p = await loadActivePerson(db, id, signedInAt);
  if (!p) return null;
  let mfaEnrolmentRequired = false;
  if (p.role !== "rep" && !p.mfaEnabledAt) {
    mfaEnrolmentRequired = (await getOrgSettings(db)).require_manager_mfa;
  }
  return { actor: { id: p.id, role: p.role, name: p.name, email: p.email, via: "session", readOnly: false }, mfaEnrolmentRequired };
}

/** The session of the current page render or server action, including people who still must enrol in MFA. */
export async function getSessionState(): Promise<SessionState | null> {
  const jar = await cookies();
  return sessionStateFromToken(await getDb(), await decodeSession(sessionCookieValue(jar.getAll())), new Date());
}

/**
 * The signed-in person behind a page or server action, or null. A manager or admin who must enrol in
 * MFA first (org setting) counts as not signed in here: they can only reach /account/security.
 */
export async function getSessionActor(): Promise<Actor | null> {
  const s = await getSessionState();
  return s && !s.mfaEnrolmentRequired ? s.actor : null;
}

/** Like getSessionActor, but lets a pending MFA enrolment through: only for the MFA enrolment actions. */
export async function getSessionActorForMfaEnrolment(): Promise<Actor | null> {
  return (await getSessionState())?.actor ?? null;
}

function parseCookieHeader(header: string | null): { name: string; value: string }[] {
  if (!header) return [];
  return header.split(";").flatMap((part) => {
    const i = part.indexOf("=");
    if (i < 0) return [];
    const name = part.slice(0, i).trim();
    const raw = part.slice(i + 1).trim();
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {
      /* keep raw */
    }
    return name ? [{ name, value }] : [];
  });
}

/**
 * The session cookie of a plain Request (the PWA calling /api/v1 with its cookie), for `authenticate()`.
 * Reads only the cookie (never an Authorization header: bearer tokens are authenticate()'s own path).
 */
export async function sessionActorFromRequest(req: Request, db: Db, now: Date): Promise<Actor | null> {
  const token = await decodeSession(sessionCookieValue(parseCookieHeader(req.headers.get("cookie"))));
  const s = await sessionStateFromToken(db, token, now);
  return s && !s.mfaEnrolmentRequired ? s.actor : null;
}
