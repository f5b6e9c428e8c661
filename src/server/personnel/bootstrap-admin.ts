import "server-only";
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { recordAudit } from "../audit/record-audit";
import { hashPassword } from "../auth/password";
import { queryRows, type Db } from "../db/client";
import { AppError } from "../errors";

export type BootstrapAdminInput = { email: string; name: string; password?: string };
export type BootstrapAdminResult = { id: number; email: string; password: string; generated: boolean };

/**
 * The first administrator of a new installation (Docker, a managed database): there is nobody yet to create
 * people through the app. Refused once any active admin exists, so it cannot be used to take over a running
 * organisation; audited with no actor. A password is generated (and returned once) when none is given.
 */
export async function bootstrapAdmin(db: Db, input: BootstrapAdminInput, now: Date): Promise<BootstrapAdminResult> {
  const email = input.email.trim().toLowerCase();
  const name = input.name.trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 255) throw new AppError("VALIDATION_FAILED", "A valid e-mail address is required.", { field: "email" });
  if (!name || name.length > 255) throw new AppError("VALIDATION_FAILED", "A name of 1–255 characters is required.", { field: "name" });
  const generated = !input.password;
  const password = input.password ?? randomBytes(18).toString("base64url");
  if (password.length < 12) throw new AppError("VALIDATION_FAILED", "The password must be at least 12 characters.", { field: "password" });
  const hash = await hashPassword(password);
  return db.transaction(async (tx) => {
    // One bootstrap at a time (two containers starting together): the first admin wins, the second is refused.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(724202)`);
    const [existing] = await queryRows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM personnel WHERE role = 'admin' AND active`);
    if ((existing?.n ?? 0) > 0) throw new AppError("CONFLICT", "An active administrator already exists: sign in as them and create people in Admin → People.");
    const [row] = await queryRows<{ id: number }>(
      tx,
      sql`INSERT INTO personnel (name, email, role, password_hash) VALUES (${name}, ${email}, 'admin', ${hash}) RETURNING id`,
    );
    await recordAudit(tx, { action: "personnel.bootstrap_admin", actor: null, actorEmail: null, subjectType: "personnel", subjectId: row!.id, targetPersonnelId: row!.id, details: { email }, at: now });
    return { id: row!.id, email, password, generated };
  });
}
