-- ==== HAND-WRITTEN (issue #23: the outbox NOTIFY serialises commits; docs/decisions/0013, "The outbox NOTIFY") ====
-- PostgreSQL serialises the commits of every transaction that sent a NOTIFY (a database-wide lock taken at commit,
-- `Lock:object` in pg_stat_activity). So a writer no longer sends one while a hub is polling the outbox anyway:
-- a hub that sees events flowing takes a **poll lease** (this sequence: until when, in ms since the epoch on the
-- database's clock), reads the outbox every 100 ms while it lasts, and wakes every other hub when it takes or extends
-- it. When the lease has passed, the hub keeps polling until every transaction that could have seen it valid has
-- finished (src/server/realtime/hub.ts), then waits for a notification again. A sequence, because its value is not
-- transactional: a writer sees the newest lease whatever its snapshot (a REPEATABLE READ transaction too).
CREATE SEQUENCE IF NOT EXISTS fieldbeat_events_poll_until AS bigint MINVALUE 0 START 0;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION fieldbeat_events_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- The AFTER trigger runs once the insert has its xid: a hub that sees the lease passed only after this check
  -- also sees this transaction as in progress, and polls until it has finished.
  IF (SELECT last_value FROM fieldbeat_events_poll_until) > (extract(epoch FROM clock_timestamp()) * 1000)::bigint THEN
    RETURN NULL;
  END IF;
  PERFORM pg_notify('fieldbeat_events', '');
  RETURN NULL;
END $$;
--> statement-breakpoint
-- ==== END HAND-WRITTEN ====
