ALTER TABLE "org_settings" ADD COLUMN "default_service_minutes" integer DEFAULT 20 NOT NULL;--> statement-breakpoint
ALTER TABLE "org_settings" ADD COLUMN "travel_speed_kmh" double precision DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE "org_settings" ADD COLUMN "route_detour_factor" double precision DEFAULT 1.3 NOT NULL;--> statement-breakpoint
ALTER TABLE "org_settings" ADD COLUMN "tracking_interval_seconds" integer DEFAULT 60 NOT NULL;--> statement-breakpoint
-- ==== HAND-WRITTEN (issue #18) ====
-- Every app instance caches the organisation settings (src/server/settings/org-settings.ts) and drops them when the
-- row changes, whoever changed it (the API, a manual UPDATE). Sent at commit to every listening instance.
CREATE OR REPLACE FUNCTION fieldbeat_settings_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('fieldbeat_settings', '1');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER org_settings_notify AFTER INSERT OR UPDATE OR DELETE ON org_settings FOR EACH STATEMENT EXECUTE FUNCTION fieldbeat_settings_notify();
--> statement-breakpoint
-- ==== END HAND-WRITTEN ====
