import { and, eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { googleSignIn } from "../../src/server/auth/google-sign-in";
import { auditLog, personnel } from "../../src/server/db/schema";
import { describeEachDriver } from "../support/db";
import { deactivate, makePerson } from "./signin-support";

const meta = { ip: "203.0.113.7", userAgent: "test" };

describeEachDriver("Google sign-in (existing people only)", (ctx) => {
  it("signs in an active person by their verified Google email, case-insensitively, and audits it", async () => {
    const db = ctx.handle.db;
    const rep = await makePerson(db, "rep");
    const actor = await googleSignIn(db, { email: rep.email.toUpperCase(), email_verified: true }, meta, new Date());
    expect(actor).toMatchObject({ id: rep.id, role: "rep", email: rep.email, via: "session" });
    const rows = await db.select().from(auditLog).where(and(eq(auditLog.actorId, rep.id), eq(auditLog.action, "auth.sign_in")));
    expect(rows.map((r) => r.details)).toEqual([{ method: "google" }]);
  });

  it("never creates anyone: an unknown address is refused and no person appears", async () => {
    const db = ctx.handle.db;
    const before = await db.$count(personnel);
    await expect(googleSignIn(db, { email: "stranger@gmail.com", email_verified: true }, meta, new Date())).rejects.toMatchObject({ code: "OAUTH_NO_ACCOUNT", status: 403 });
    expect(await db.$count(personnel)).toBe(before);
    const [fail] = await db.select().from(auditLog).where(eq(auditLog.actorEmail, "stranger@gmail.com"));
    expect(fail?.details).toEqual({ reason: "unknown_email", method: "google" });
  });

  it("refuses an unverified email, a deactivated person and a person with MFA on", async () => {
    const db = ctx.handle.db;
    const rep = await makePerson(db, "rep");
    await expect(googleSignIn(db, { email: rep.email, email_verified: false }, meta, new Date())).rejects.toMatchObject({ code: "OAUTH_NO_ACCOUNT" });
    await expect(googleSignIn(db, { email: rep.email }, meta, new Date())).rejects.toMatchObject({ code: "OAUTH_NO_ACCOUNT" });

    const gone = await makePerson(db, "rep");
    await deactivate(db, gone.id);
    await expect(googleSignIn(db, { email: gone.email, email_verified: true }, meta, new Date())).rejects.toMatchObject({ code: "OAUTH_NO_ACCOUNT" });

    const manager = await makePerson(db, "manager");
    await db.update(personnel).set({ mfaEnabledAt: new Date(), mfaSecret: "enrolled" }).where(eq(personnel.id, manager.id));
    await expect(googleSignIn(db, { email: manager.email, email_verified: true }, meta, new Date())).rejects.toMatchObject({ code: "OAUTH_MFA_ENROLLED", status: 403 });
  });
});
