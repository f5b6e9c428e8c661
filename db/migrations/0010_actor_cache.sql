-- ==== HAND-WRITTEN (issue #11, docs/decisions/0013-hot-path.md) ====
-- Every app instance caches the person behind a credential between requests and drops the entry when the row
-- changes: deactivation, role, password reset / "sign out everywhere" (tokens_valid_after), MFA, anything.
-- The notification is sent at commit, to every instance listening (the embedded database: in-process).
CREATE OR REPLACE FUNCTION fieldbeat_personnel_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('fieldbeat_personnel', OLD.id::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER personnel_notify AFTER UPDATE OR DELETE ON personnel FOR EACH ROW EXECUTE FUNCTION fieldbeat_personnel_notify();
--> statement-breakpoint
-- ==== END HAND-WRITTEN ====
