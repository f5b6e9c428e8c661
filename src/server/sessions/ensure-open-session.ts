import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client";
import { emitEvent } from "../realtime/outbox";

export type EnsureOpenSession = {
  personnelId: number;
  /** YYYY-MM-DD in the organisation's time zone. */
  date: string;
  /** Login time when the day is created here. */
  at: Date;
  clientId?: string;
  /** Count one more visit on the day (check-in). */
  countVisit?: boolean;
  /**
   * Reopen the day if it was CLOSED: true for today's date. A late replay of a past day's check-in only counts
   * the visit on that day; it must not reopen a day the rep already ended.
   */
  reopenIfClosed: boolean;
  /** Extra payload of the session.started event (how it was opened). */
  how: Record<string, unknown>;
};

/**
 * The person's session for `date`, opened if needed — in the caller's transaction. Creates it (status OPEN),
 * or, with reopenIfClosed, reopens a CLOSED one (the rep is evidently still working: logout cleared), emitting
 * `session.started` either way. Safe under concurrency: the insert races on daily_sessions_rep_date and the loser locks the row.
 */
export async function ensureOpenSession(tx: Db, s: EnsureOpenSession): Promise<{ id: number; opened: boolean }> {
  // Fast path, one round trip: the day exists and needs no reopening (every check-in after the day's first).
  // UPDATE re-checks its WHERE on the latest row version, so a concurrent end-of-day is seen; anything else
  // (no row yet, a CLOSED day to reopen, a row inserted after our snapshot) takes the general path below.
  const [current] = await queryRows<{ id: number }>(
    tx,
    sql`UPDATE daily_sessions SET total_visits = total_visits + ${s.countVisit ? 1 : 0}, updated_at = now()
        WHERE personnel_id = ${s.personnelId} AND session_date = ${s.date}::date AND (status = 'OPEN' OR NOT ${s.reopenIfClosed}::boolean)
        RETURNING id`,
  );
  if (current) return { id: Number(current.id), opened: false };

  const [inserted] = await queryRows<{ id: number }>(
    tx,
    sql`INSERT INTO daily_sessions (personnel_id, session_date, login_time, status, start_client_id, total_visits)
        VALUES (${s.personnelId}, ${s.date}::date, ${s.at.toISOString()}::timestamptz, 'OPEN', ${s.clientId ?? null}::uuid, ${s.countVisit ? 1 : 0})
        ON CONFLICT (personnel_id, session_date) DO NOTHING RETURNING id`,
  );
  if (inserted) {
    await emitEvent(tx, { type: "session.started", personnelId: s.personnelId, payload: { session_id: Number(inserted.id), session_date: s.date, ...s.how } });
    return { id: Number(inserted.id), opened: true };
  }
  const [row] = await queryRows<{ id: number; status: string }>(
    tx,
    sql`SELECT id, status FROM daily_sessions WHERE personnel_id = ${s.personnelId} AND session_date = ${s.date}::date FOR UPDATE`,
  );
  if (!row) throw new Error("daily session vanished between insert and select");
  const id = Number(row.id);
  const reopen = row.status !== "OPEN" && s.reopenIfClosed;
  await tx.execute(
    sql`UPDATE daily_sessions SET total_visits = total_visits + ${s.countVisit ? 1 : 0}, updated_at = now()
        ${reopen ? sql`, status = 'OPEN', logout_time = NULL, end_client_id = NULL` : sql``}
        WHERE id = ${id}`,
  );
  if (reopen) await emitEvent(tx, { type: "session.started", personnelId: s.personnelId, payload: { session_id: id, session_date: s.date, reopened: true, ...s.how } });
  return { id, opened: reopen };
}
