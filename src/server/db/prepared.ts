import "server-only";
import { sql, type Placeholder, type Query, type SQL } from "drizzle-orm";
import type { Db } from "./client";

/** drizzle's session and dialect behind a Db (a transaction's too): the two pieces `db.execute` uses. */
type Internals = {
  dialect: { sqlToQuery(query: SQL): Query };
  session: { prepareQuery(query: Query, fields: undefined, name: string, arrayMode: boolean): { execute(values?: Record<string, unknown>): Promise<unknown> } };
};

/** A value slot of a prepared statement: `ph("lat")` stands for the `lat` value given at each call. */
export const ph = (name: string): Placeholder => sql.placeholder(name);

/**
 * A hot statement whose SQL is built once (docs/decisions/0013, "SQL built once"): `build` returns the statement with
 * `ph(name)` placeholders where the values go; the first call turns it into text and parameter slots (drizzle's
 * `sqlToQuery`), every call after that only fills the slots. `db.execute(sql…)` rebuilds the template and walks it
 * on every request.
 *
 * Runs on whatever Db it is given — the pool or a transaction, PostgreSQL or PGlite — through that Db's own drizzle
 * session (`prepareQuery(…, name)`, what drizzle's `.prepare(name)` does for its query builders, which a session-bound
 * prepared object cannot do across transactions). On PostgreSQL the statement is a named prepared statement of
 * postgres.js (one per connection, see `preparingClient`); PGlite parses it in-process each time.
 * Returns the rows as `queryRows` would.
 */
export function preparedStatement(name: string, build: () => SQL) {
  let query: Query | undefined;
  return async function rows<T extends Record<string, unknown>>(db: Db, values: Record<string, unknown>): Promise<T[]> {
    const { dialect, session } = db as unknown as Internals;
    query ??= dialect.sqlToQuery(build());
    const result: unknown = await session.prepareQuery(query, undefined, name, false).execute(values);
    if (Array.isArray(result)) return result as T[];
    return ((result as { rows?: T[] }).rows ?? []) as T[];
  };
}
