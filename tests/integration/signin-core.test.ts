import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { signIn } from "../../src/server/auth/sign-in";
import { sessionActorFromRequest, sessionStateFromToken } from "../../src/server/auth/session";
import { useDbHandle } from "../../src/server/db";
import { auditLog, personnel } from "../../src/server/db/schema";
import { AppError } from "../../src/server/errors";
import { describeEachDriver } from "../support/db";
import { passwordWork } from "../../src/server/auth/password";
import { deactivate, makePerson, PASSWORD, sessionCookieFor, setRequireManagerMfa } from "./signin-support";

const NOW = new Date("2026-03-02T06:00:00Z");
let ipSeq = 0;
const meta = () => ({ ip: `10.9.${Math.floor(ipSeq / 250)}.${(ipSeq++ % 250) + 1}`, userAgent: "vitest" });

async function failureOf(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected the sign-in to fail");
}

describeEachDriver("signIn (the one credential check)", (ctx) => {
  beforeAll(() => useDbHandle(ctx.handle));
  afterAll(() => useDbHandle(undefined));
  const db = () => ctx.handle.db;

  it("signs a person in with email and password, case-insensitively, and audits it", async () => {
    const rep = await makePerson(db(), "rep");
    const actor = await signIn(db(), { email: `  ${rep.email.toUpperCase()} `, password: PASSWORD }, { ip: "10.1.1.1", userAgent: "vitest" }, NOW);
    expect(actor).toMatchObject({ id: rep.id, role: "rep", email: rep.email, via: "session", readOnly: false });
    const rows = await db().select().from(auditLog).where(and(eq(auditLog.action, "auth.sign_in"), eq(auditLog.actorId, rep.id)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ip: "10.1.1.1", userAgent: "vitest", details: { method: "password" } });
  });

  it("answers a wrong password, an unknown email and a deactivated account with the same error after the same work", async () => {
    // Deterministic: one argon2 verification with the same parameters on every path (timing: bench/signin-timing.ts).
    const people = await Promise.all(Array.from({ length: 3 }, () => makePerson(db(), "rep")));
    await deactivate(db(), people[2]!.id);
    const unknown = `nobody-${Math.random().toString(36).slice(2)}@signin.test`;
    const bodies = new Set<string>();
    const work: Record<string, { verifications: number; params: string[] }> = {};
    for (const [path, email, password] of [
      ["wrong_password", people[0]!.email, "wrong-password"],
      ["unknown_email", unknown, "wrong-password"],
      ["deactivated", people[2]!.email, PASSWORD],
      ["right_password", people[1]!.email, PASSWORD],
    ] as const) {
      const before = passwordWork.verifications;
      const outcome = await signIn(db(), { email, password }, meta(), NOW).then(() => null, (e: AppError) => e);
      work[path] = { verifications: passwordWork.verifications - before, params: passwordWork.params.slice(-1) };
      if (outcome) bodies.add(JSON.stringify({ code: outcome.code, message: outcome.message, status: outcome.status, field: outcome.field }));
    }
    expect([...bodies]).toEqual([JSON.stringify({ code: "INVALID_CREDENTIALS", message: "The email or password is incorrect.", status: 401 })]);
    const expected = work.right_password!;
    expect(expected.verifications).toBe(1);
    expect(expected.params[0]).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+$/);
    for (const path of ["wrong_password", "unknown_email", "deactivated"]) expect(work[path], path).toEqual(expected);

    const reasons = await db().select({ reason: auditLog.details }).from(auditLog).where(eq(auditLog.action, "auth.sign_in_failed"));
    expect(reasons.map((r) => (r.reason as { reason: string }).reason)).toEqual(expect.arrayContaining(["wrong_password", "unknown_email"]));
  });

  it("refuses a deactivated person with the same answer as a wrong password", async () => {
    const rep = await makePerson(db(), "rep");
    await deactivate(db(), rep.id);
    const err = await failureOf(signIn(db(), { email: rep.email, password: PASSWORD }, meta(), NOW));
    expect({ code: err.code, message: err.message, status: err.status }).toEqual({ code: "INVALID_CREDENTIALS", message: "The email or password is incorrect.", status: 401 });
    const [row] = await db().select().from(auditLog).where(and(eq(auditLog.action, "auth.sign_in_failed"), eq(auditLog.actorId, rep.id)));
    expect(row?.details).toEqual({ reason: "deactivated" });
  });

  it("locks an account from the guessing IP after repeated failures (429), even for the right password", async () => {
    const rep = await makePerson(db(), "rep");
    const from = meta();
    for (let i = 0; i < 5; i++) await failureOf(signIn(db(), { email: rep.email, password: "wrong" }, from, NOW));
    const err = await failureOf(signIn(db(), { email: rep.email, password: PASSWORD }, from, NOW));
    expect(err).toMatchObject({ code: "RATE_LIMITED", status: 429 });
    // The owner from elsewhere is not refused (docs/decisions/0010-trust-boundaries.md).
    await expect(signIn(db(), { email: rep.email, password: PASSWORD }, meta(), NOW)).resolves.toMatchObject({ id: rep.id });
  });
});

describeEachDriver("session cookie → actor (sessionActorFromRequest)", (ctx) => {
  beforeAll(() => useDbHandle(ctx.handle));
  afterAll(() => useDbHandle(undefined));
  const db = () => ctx.handle.db;
  const req = (cookie?: string, headers: Record<string, string> = {}) => new Request("http://localhost/api/v1/x", { headers: { ...(cookie ? { cookie } : {}), ...headers } });

  it("resolves a valid cookie to the person, re-read from the database", async () => {
    const rep = await makePerson(db(), "rep");
    const actor = await sessionActorFromRequest(req(await sessionCookieFor(rep.id, Date.now())), db(), new Date());
    expect(actor).toMatchObject({ id: rep.id, role: "rep", email: rep.email, via: "session" });
    // The role comes from the database, not from the cookie.
    await db().update(personnel).set({ role: "manager" }).where(eq(personnel.id, rep.id));
    expect(await sessionActorFromRequest(req(await sessionCookieFor(rep.id, Date.now(), "rep")), db(), new Date())).toMatchObject({ role: "manager" });
  });

  it("refuses sessions issued before tokens_valid_after, and accepts newer ones", async () => {
    const rep = await makePerson(db(), "rep");
    const cut = new Date();
    const old = await sessionCookieFor(rep.id, cut.getTime() - 1);
    expect(await sessionActorFromRequest(req(old), db(), new Date())).not.toBeNull();
    await db().update(personnel).set({ tokensValidAfter: cut }).where(eq(personnel.id, rep.id));
    expect(await sessionActorFromRequest(req(old), db(), new Date())).toBeNull();
    expect(await sessionActorFromRequest(req(await sessionCookieFor(rep.id, cut.getTime() + 1)), db(), new Date())).toMatchObject({ id: rep.id });
  });

  it("cuts a deactivated person's session at the next request", async () => {
    const rep = await makePerson(db(), "rep");
    const cookie = await sessionCookieFor(rep.id, Date.now());
    expect(await sessionActorFromRequest(req(cookie), db(), new Date())).not.toBeNull();
    await deactivate(db(), rep.id);
    expect(await sessionActorFromRequest(req(cookie), db(), new Date())).toBeNull();
  });

  it("ignores tampered, foreign and missing cookies, and bearer headers", async () => {
    const rep = await makePerson(db(), "rep");
    const cookie = await sessionCookieFor(rep.id, Date.now());
    const tampered = cookie.slice(0, -6) + (cookie.endsWith("AAAAAA") ? "BBBBBB" : "AAAAAA");
    expect(await sessionActorFromRequest(req(tampered), db(), new Date())).toBeNull();
    expect(await sessionActorFromRequest(req("other-cookie=1"), db(), new Date())).toBeNull();
    expect(await sessionActorFromRequest(req(), db(), new Date())).toBeNull();
    // getToken() would fall back to an Authorization header; ours reads the cookie only.
    const value = cookie.slice(cookie.indexOf("=") + 1);
    expect(await sessionActorFromRequest(req(undefined, { authorization: `Bearer ${value}` }), db(), new Date())).toBeNull();
    // A token without signed_in_at (not written by our sign-in) is refused.
    expect(await sessionStateFromToken(db(), { sub: String(rep.id) }, new Date())).toBeNull();
  });

  it("holds back managers who must enrol in MFA when the organisation requires it", async () => {
    const manager = await makePerson(db(), "manager");
    const rep = await makePerson(db(), "rep", { managerId: manager.id });
    await setRequireManagerMfa(db(), true);
    try {
      const state = await sessionStateFromToken(db(), { sub: String(manager.id), signed_in_at: Date.now() }, new Date());
      expect(state).toMatchObject({ actor: { id: manager.id }, mfaEnrolmentRequired: true });
      expect(await sessionActorFromRequest(req(await sessionCookieFor(manager.id, Date.now(), "manager")), db(), new Date())).toBeNull();
      expect(await sessionActorFromRequest(req(await sessionCookieFor(rep.id, Date.now())), db(), new Date())).toMatchObject({ id: rep.id });
    } finally {
      await setRequireManagerMfa(db(), false);
    }
  });
});
