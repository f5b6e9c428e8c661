import "server-only";
import { sql, type Placeholder, type SQL } from "drizzle-orm";

/**
 * The condition that selects day row `sessionId`'s fixes in location_pings, written so PostgreSQL reads them through
 * idx_location_pings_personnel_time within the day's bounds (migration 0026 dropped the session index: 44.5 of the
 * 298 bytes a fix cost on disk before it, and so of the time dropping a day takes; docs/decisions/0022, "Retention").
 *
 * The bounds hold every fix the day can have, so the condition selects exactly `session_id = sessionId`:
 * - from the day's login_time: the pings use-case, the one writer, refuses a fix taken before it (before_day_start),
 *   and login_time is set when the day row is inserted and never changed (a reopened day keeps it). A row without
 *   one (none is written so today) falls back to the lower bound below;
 * - within the day's org-local date: every fix's org-local date is its day's session_date, and a local date lies
 *   within [its UTC midnight − 1 day, its UTC midnight + 2 days) whatever the zone (offsets −12 h … +14 h).
 *
 * The three look-ups are init plans run once (the day row by its key); their values let PostgreSQL skip the day
 * partitions outside the bounds at run time, where `session_id = …` alone probed every partition kept.
 * `alias` qualifies the columns when the statement reads location_pings under another name.
 */
export function sessionFixes(sessionId: number | Placeholder | SQL, alias?: string): SQL {
  const col = (name: string) => sql.raw(alias ? `${alias}.${name}` : name);
  const id = sql`${sessionId}::int`;
  return sql`${col("session_id")} = ${id}
    AND ${col("personnel_id")} = (SELECT personnel_id FROM daily_sessions WHERE id = ${id})
    AND ${col("captured_at")} >= (SELECT coalesce(login_time, (session_date - 1)::timestamp AT TIME ZONE 'UTC') FROM daily_sessions WHERE id = ${id})
    AND ${col("captured_at")} < (SELECT (session_date + 2)::timestamp AT TIME ZONE 'UTC' FROM daily_sessions WHERE id = ${id})`;
}
