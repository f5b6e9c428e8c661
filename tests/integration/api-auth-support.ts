/** People and request helpers for the API auth tests (own rows: faster than the full demo seed). */
import { encode } from "next-auth/jwt";
import { personnel } from "../../src/server/db/schema";
import type { Db } from "../../src/server/db";
import { hashPassword } from "../../src/server/auth/password";
import { SESSION_COOKIE } from "../../src/server/auth/session-cookie";
import { requireAuthSecret } from "../../src/env";

export const PASSWORD = "correct horse battery staple";
export const BASE = "http://localhost";

export type People = { admin: number; manager: number; rep: number; other: number; tag: string };

/** An admin, a manager with one rep, and another rep (unique emails per call, so tests can make fresh ones). */
export async function makePeople(db: Db): Promise<People> {
  const tag = Math.random().toString(36).slice(2, 8);
  const passwordHash = await hashPassword(PASSWORD);
  const [admin] = await db.insert(personnel).values({ name: "Ada Admin", email: `admin-${tag}@auth.test`, role: "admin", passwordHash }).returning({ id: personnel.id });
  const [manager] = await db.insert(personnel).values({ name: "Max Manager", email: `manager-${tag}@auth.test`, role: "manager", passwordHash, managerId: admin!.id }).returning({ id: personnel.id });
  const [rep] = await db.insert(personnel).values({ name: "Rita Rep", email: `rep-${tag}@auth.test`, role: "rep", passwordHash, managerId: manager!.id }).returning({ id: personnel.id });
  const [other] = await db.insert(personnel).values({ name: "Otto Other", email: `other-${tag}@auth.test`, role: "rep", passwordHash, managerId: manager!.id }).returning({ id: personnel.id });
  return { admin: admin!.id, manager: manager!.id, rep: rep!.id, other: other!.id, tag };
}

export const emailOf = (p: People, who: "admin" | "manager" | "rep" | "other") => `${who}-${p.tag}@auth.test`;

// `never` accepts route handlers with any params type (they are called with what `init.params` gives).
type Handler = (req: Request, ctx: { params: Promise<never> }) => Promise<Response>;

export async function call(handler: Handler, path: string, init: { method?: string; headers?: Record<string, string>; json?: unknown; body?: string; params?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers["content-type"] ??= "application/json";
  }
  const res = await handler(new Request(BASE + path, { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body }), { params: Promise.resolve(init.params ?? {}) as Promise<never> });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, json: json as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A next-auth session cookie as SIGNIN's callbacks write it (sub = personnel id, signed_in_at in ms). */
export async function sessionCookie(personnelId: number, signedInAt = Date.now()): Promise<Record<string, string>> {
  const token = await encode({ token: { sub: String(personnelId), signed_in_at: signedInAt }, secret: requireAuthSecret() });
  return { cookie: `${SESSION_COOKIE}=${token}` };
}
