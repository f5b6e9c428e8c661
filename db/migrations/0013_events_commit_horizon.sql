ALTER TABLE "events" ADD COLUMN "xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
CREATE INDEX "idx_events_xid" ON "events" USING btree ("xid","id");--> statement-breakpoint
-- ==== HAND-WRITTEN (issue #17.2, docs/decisions/0014-events-commit-horizon.md) ====
-- The SSE hubs no longer take events from the notification: they read the outbox below the commit horizon, in
-- (xid, id) order. The notification only wakes them: one per transaction (identical payloads fold into one).
DROP TRIGGER IF EXISTS events_notify ON events;
--> statement-breakpoint
DROP FUNCTION IF EXISTS fieldbeat_events_notify();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION fieldbeat_events_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('fieldbeat_events', '');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER events_wake AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION fieldbeat_events_wake();
--> statement-breakpoint
-- An API key revoked, expired or narrowed changes what its person's open streams may see: tell the listeners of
-- fieldbeat_personnel (the actor cache drops the entry, the SSE hub re-authorises that person's streams).
CREATE OR REPLACE FUNCTION fieldbeat_api_key_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('fieldbeat_personnel', OLD.personnel_id::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER api_key_notify AFTER UPDATE OF revoked_at, expires_at, access OR DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION fieldbeat_api_key_notify();
--> statement-breakpoint
-- ==== END HAND-WRITTEN ====
