import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Actor, Ctx } from "../../src/server/auth/actor";
import { confirmMfaEnrolment } from "../../src/server/auth/mfa/confirm-mfa";
import { disableMfa } from "../../src/server/auth/mfa/disable-mfa";
import { startMfaEnrolment } from "../../src/server/auth/mfa/enrol-mfa";
import { mfaActionDefs } from "../../src/server/auth/mfa/mfa.action-defs";
import { totpCode } from "../../src/server/auth/mfa/totp";
import { signIn } from "../../src/server/auth/sign-in";
import { invokeAction } from "../../src/server/http/action";
import { useDbHandle } from "../../src/server/db";
import { auditLog, mfaRecoveryCodes, personnel } from "../../src/server/db/schema";
import { AppError } from "../../src/server/errors";
import { describeEachDriver } from "../support/db";
import { makePerson, PASSWORD, setRequireManagerMfa } from "./signin-support";

const T0 = new Date("2026-03-02T06:00:00Z");
let ip = 0;
const meta = () => ({ ip: `10.8.0.${++ip}`, userAgent: "vitest" });

async function errorOf(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected a failure");
}

describeEachDriver("MFA: enrolment and sign-in with a second factor", (ctx) => {
  beforeAll(() => useDbHandle(ctx.handle));
  afterAll(() => useDbHandle(undefined));
  const db = () => ctx.handle.db;
  const c = (actor: Actor, now = T0): Ctx => ({ db: db(), actor, now });

  async function enrol(actor: Actor) {
    const started = await startMfaEnrolment(c(actor));
    const { recovery_codes } = await confirmMfaEnrolment(c(actor), { code: await totpCode(started.secret, T0) });
    return { secret: started.secret, codes: recovery_codes, started };
  }

  it("enrols by QR code: secret encrypted at rest, 10 hashed recovery codes, audited", async () => {
    const manager = await makePerson(db(), "manager");
    const started = await startMfaEnrolment(c(manager));
    expect(started.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(started.otpauth_uri).toMatch(/^otpauth:\/\/totp\/Fieldbeat:.+\?.*secret=/);
    expect(started.qr_data_url).toMatch(/^data:image\/png;base64,/);
    const [row] = await db().select().from(personnel).where(eq(personnel.id, manager.id));
    expect(row?.mfaSecret).toMatch(/^v1:/);
    expect(row?.mfaSecret).not.toContain(started.secret);
    expect(row?.mfaEnabledAt).toBeNull(); // not on until confirmed

    // Pending enrolment: the password alone still signs in.
    await signIn(db(), { email: manager.email, password: PASSWORD }, meta(), T0);

    expect(await errorOf(confirmMfaEnrolment(c(manager), { code: "000000" }))).toMatchObject({ code: "MFA_CODE_INVALID", status: 400, field: "code" });
    const { recovery_codes } = await confirmMfaEnrolment(c(manager), { code: await totpCode(started.secret, T0) });
    expect(recovery_codes).toHaveLength(10);
    expect(new Set(recovery_codes).size).toBe(10);
    for (const code of recovery_codes) expect(code).toMatch(/^[2-9A-HJ-NP-TV-Z]{5}-[2-9A-HJ-NP-TV-Z]{5}$/);
    const stored = await db().select().from(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.personnelId, manager.id));
    expect(stored).toHaveLength(10);
    for (const s of stored) expect(recovery_codes.map((x) => x.replace("-", ""))).not.toContain(s.codeHash);
    const audit = await db().select().from(auditLog).where(and(eq(auditLog.action, "mfa.enrolled"), eq(auditLog.actorId, manager.id)));
    expect(audit).toHaveLength(1);
    expect(await errorOf(startMfaEnrolment(c(manager)))).toMatchObject({ code: "MFA_ALREADY_ENABLED", status: 409 });
  });

  it("requires a code once enrolled, refuses a wrong one, accepts the current one (±1 step)", async () => {
    const manager = await makePerson(db(), "manager");
    const { secret } = await enrol(manager);
    const creds = { email: manager.email, password: PASSWORD };
    expect(await errorOf(signIn(db(), creds, meta(), T0))).toMatchObject({ code: "MFA_REQUIRED", status: 401, field: "totp" });
    const now = new Date(T0.getTime() + 3600_000);
    const good = await totpCode(secret, now);
    const bad = good === "123456" ? "654321" : "123456";
    expect(await errorOf(signIn(db(), { ...creds, totp: bad }, meta(), now))).toMatchObject({ code: "MFA_INVALID", status: 401 });
    expect(await errorOf(signIn(db(), { ...creds, password: "wrong", totp: good }, meta(), now))).toMatchObject({ code: "INVALID_CREDENTIALS" });
    // One step of drift is accepted (older step first: a step at or before the last one used is a replay).
    expect(await signIn(db(), { ...creds, totp: await totpCode(secret, new Date(now.getTime() - 30_000)) }, meta(), now)).toMatchObject({ id: manager.id });
    expect(await signIn(db(), { ...creds, totp: good }, meta(), now)).toMatchObject({ id: manager.id });
    const stale = await totpCode(secret, new Date(now.getTime() - 120_000));
    if (stale !== good) expect(await errorOf(signIn(db(), { ...creds, totp: stale }, meta(), now))).toMatchObject({ code: "MFA_INVALID" });
    const [last] = await db().select().from(auditLog).where(and(eq(auditLog.action, "auth.sign_in"), eq(auditLog.actorId, manager.id)));
    expect(last?.details).toMatchObject({ method: "totp" });
  });

  it("a recovery code works exactly once (in any case and with or without the dash)", async () => {
    const admin = await makePerson(db(), "admin");
    const { codes } = await enrol(admin);
    const creds = { email: admin.email, password: PASSWORD };
    const code = codes[3]!;
    expect(await signIn(db(), { ...creds, recovery_code: code.toLowerCase().replace("-", "") }, meta(), T0)).toMatchObject({ id: admin.id });
    expect(await errorOf(signIn(db(), { ...creds, recovery_code: code }, meta(), T0))).toMatchObject({ code: "MFA_INVALID", field: "recovery_code" });
    // Concurrent use of one code: exactly one wins.
    const results = await Promise.allSettled([0, 1, 2].map(() => signIn(db(), { ...creds, recovery_code: codes[5]! }, meta(), T0)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const left = await db().select().from(mfaRecoveryCodes).where(and(eq(mfaRecoveryCodes.personnelId, admin.id), isNull(mfaRecoveryCodes.usedAt)));
    expect(left).toHaveLength(8);
    const used = await db().select().from(auditLog).where(and(eq(auditLog.action, "mfa.recovery_code_used"), eq(auditLog.actorId, admin.id)));
    expect(used.map((u) => (u.details as { codes_left: number }).codes_left).sort()).toEqual([8, 9]);
  });

  it("turning MFA off needs a current code, is audited, and is refused while the organisation requires MFA", async () => {
    const manager = await makePerson(db(), "manager");
    const { secret, codes } = await enrol(manager);
    expect(await errorOf(disableMfa(c(manager), { code: "000000" }))).toMatchObject({ code: "MFA_CODE_INVALID", status: 400 });
    await setRequireManagerMfa(db(), true);
    try {
      expect(await errorOf(disableMfa(c(manager), { code: await totpCode(secret, T0) }))).toMatchObject({ code: "MFA_REQUIRED_BY_ORG", status: 409 });
    } finally {
      await setRequireManagerMfa(db(), false);
    }
    expect(await disableMfa(c(manager), { code: codes[0]! })).toEqual({ disabled: true });
    const [row] = await db().select().from(personnel).where(eq(personnel.id, manager.id));
    expect(row).toMatchObject({ mfaSecret: null, mfaEnabledAt: null });
    expect(await db().select().from(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.personnelId, manager.id))).toHaveLength(0);
    expect(await db().select().from(auditLog).where(and(eq(auditLog.action, "mfa.disabled"), eq(auditLog.actorId, manager.id)))).toHaveLength(1);
    expect(await signIn(db(), { email: manager.email, password: PASSWORD }, meta(), T0)).toMatchObject({ id: manager.id });
  });

  it("the MFA server actions need a signed-in actor, act only on themself, and validate input", async () => {
    const rep = await makePerson(db(), "rep");
    expect(await invokeAction(mfaActionDefs.start, null, {})).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
    expect(await invokeAction(mfaActionDefs.confirm, rep, { code: "12" })).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED", field: "code" } });
    expect(await invokeAction(mfaActionDefs.start, { ...rep, readOnly: true }, {})).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const started = await invokeAction(mfaActionDefs.start, rep, {});
    expect(started.ok).toBe(true);
  });
});
