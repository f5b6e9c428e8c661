import "server-only";
import { hash } from "@node-rs/argon2";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { secretDigest } from "../idempotency";
import { auditPerson, endSessions, mutatePerson } from "./person-rules";
import type { PasswordResetResult, ResetPasswordInput } from "@/contracts/personnel";
import { generateTemporaryPassword } from "./temporary-password";

/**
 * An admin sets a new password for someone (or has one generated, shown once). Every session and
 * token they held dies with the old password. The idempotency record keeps no password: a replay
 * answers `temporary_password: null, replayed: true`.
 */
export async function resetPassword(ctx: Ctx, id: number, input: ResetPasswordInput): Promise<PasswordResetResult> {
  const temporary = input.password ? null : generateTemporaryPassword();
  // Hash before the transaction: argon2 takes tens of milliseconds we need not hold row locks for.
  const passwordHash = await hash(input.password ?? temporary!);
  let applied = false;
  // The request's fingerprint covers the password an admin chose (as a keyed digest): the same client_id with
  // another password, or for another person, is another request (409), not a replay.
  const request = { id, ...input, password: secretDigest(input.password) };
  await mutatePerson(ctx, { scope: "personnel.reset_password", clientId: input.client_id, request }, id, async (t, p) => {
    await t.tx.execute(sql`UPDATE personnel SET password_hash = ${passwordHash} WHERE id = ${p.id}`);
    await endSessions(t.tx, p.id, t.now, "password_reset");
    await auditPerson(t, "personnel.password_reset", p.id, { password: temporary ? "generated" : "set_by_admin" });
    applied = true;
  });
  return { id, temporary_password: applied ? temporary : null, replayed: !applied };
}
