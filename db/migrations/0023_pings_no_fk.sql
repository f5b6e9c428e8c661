-- location_pings loses its two foreign keys (personnel, daily_sessions) so that dropping a day locks nothing but that
-- day (issue #22 item 5; docs/decisions/0022-operations-scale-path.md, "Retention"). Measured on PostgreSQL 15: with
-- them, DETACH … CONCURRENTLY gives the detached day its own copies of both keys, whose action triggers it creates on
-- personnel and daily_sessions (SHARE ROW EXCLUSIVE on both: queued behind every open writer of a day, and every later
-- writer queued behind it), and the DROP removes those triggers under ACCESS EXCLUSIVE on personnel and daily_sessions,
-- held until the day's files are gone (≈ 1 s for a 6M-fix day): every sign-in, check-in and ping batch waited.
-- The pings' references are kept by their one writer: the pings use-case stores the acting rep's id and the id of
-- that rep's day row, which it holds locked (FOR NO KEY UPDATE) until it commits; no personnel or daily_sessions row
-- is ever deleted (people are deactivated, days closed).
ALTER TABLE "location_pings" DROP CONSTRAINT "location_pings_personnel_id_personnel_id_fk";
--> statement-breakpoint
ALTER TABLE "location_pings" DROP CONSTRAINT "location_pings_session_id_daily_sessions_id_fk";
