-- location_pings keeps two indexes: its idempotency key (client_id, captured_at) and the rep's (personnel_id,
-- captured_at) (issue #22 item 5, "dropping a day takes ≤ 1 s"; docs/decisions/0022, "Retention"). Dropping a day is
-- removing its files, so its time follows the day's bytes: 298 a fix in a field day's shape, of which the session
-- index held 44.5 and the primary key (id, captured_at) 31.5.
-- - A day's fixes are now read through the rep's index within the day's bounds (src/server/tracking/session-fixes.ts),
--   which also lets PostgreSQL skip the other days' partitions (`session_id = …` alone probed every day kept).
-- - Nothing looked a fix up by id (the day's km measure their legs from the coordinates read), so the primary key goes:
--   the table's key is the idempotency key, both columns NOT NULL. `id` stays, numbering fixes in arrival order.
-- Dropping the parent's index and constraint drops each day's; each takes the partitions' locks for a moment, once.
DROP INDEX IF EXISTS "idx_location_pings_session";--> statement-breakpoint
ALTER TABLE "location_pings" DROP CONSTRAINT IF EXISTS "location_pings_pkey";
