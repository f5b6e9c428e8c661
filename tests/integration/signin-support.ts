/** People for the sign-in and MFA tests (own rows: much faster than the full demo seed). */
import { eq } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import { requireAuthSecret } from "../../src/env";
import type { Actor } from "../../src/server/auth/actor";
import { hashPassword } from "../../src/server/auth/password";
import { SESSION_COOKIE } from "../../src/server/auth/session-cookie";
import type { Db } from "../../src/server/db";
import { orgSettings, personnel, type PersonnelRole } from "../../src/server/db/schema";

export const PASSWORD = "signin-test-password";
let hashed: Promise<string> | undefined;

export async function makePerson(db: Db, role: PersonnelRole, opts: { managerId?: number; active?: boolean } = {}): Promise<Actor> {
  const tag = Math.random().toString(36).slice(2, 10);
  const email = `${role}-${tag}@signin.test`;
  const [p] = await db
    .insert(personnel)
    .values({ name: `${role} ${tag}`, email, role, passwordHash: await (hashed ??= hashPassword(PASSWORD)), managerId: opts.managerId ?? null, active: opts.active ?? true })
    .returning({ id: personnel.id });
  return { id: p!.id, role, name: `${role} ${tag}`, email, via: "session", readOnly: false };
}

/** A session cookie exactly as next-auth's jwt callback writes it (encrypted JWT, sub + signed_in_at). */
export async function sessionCookieFor(personnelId: number, signedInAt: number, role: PersonnelRole = "rep"): Promise<string> {
  const token = await encode({ token: { sub: String(personnelId), role, signed_in_at: signedInAt }, secret: requireAuthSecret() });
  return `${SESSION_COOKIE}=${token}`;
}

export async function setRequireManagerMfa(db: Db, required: boolean) {
  await db.insert(orgSettings).values({ id: 1, requireManagerMfa: required }).onConflictDoUpdate({ target: orgSettings.id, set: { requireManagerMfa: required } });
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

export async function deactivate(db: Db, id: number) {
  await db.update(personnel).set({ active: false }).where(eq(personnel.id, id));
}
