import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../../db/client";
import { matchTotpStep } from "./totp";

/**
 * Checks a TOTP code and spends its time step in one statement: a code is accepted once. A second use
 * of the same code (or of an older step still inside the drift window) is refused, also when two
 * requests race (the conditional UPDATE lets exactly one of them through).
 */
export async function spendTotp(db: Db, personnelId: number, secret: string, code: string, now: Date): Promise<boolean> {
  const step = await matchTotpStep(secret, code, now);
  if (step === null) return false;
  const rows = await queryRows(
    db,
    sql`UPDATE personnel SET mfa_last_step = ${step} WHERE id = ${personnelId} AND (mfa_last_step IS NULL OR mfa_last_step < ${step}) RETURNING id`,
  );
  return rows.length === 1;
}
