CREATE TABLE "alerts" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" varchar(40) NOT NULL,
	"severity" varchar(10) DEFAULT 'warning' NOT NULL,
	"personnel_id" integer NOT NULL,
	"visit_id" integer,
	"planned_visit_id" integer,
	"message" varchar(500) NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"dedupe_key" varchar(200) NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" integer,
	CONSTRAINT "alerts_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
ALTER TABLE "org_settings" ADD COLUMN "alert_late_check_in_minutes" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE "org_settings" ADD COLUMN "alert_open_visit_minutes" integer DEFAULT 180 NOT NULL;--> statement-breakpoint
ALTER TABLE "org_settings" ADD COLUMN "alert_untracked_minutes" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE "org_settings" ADD COLUMN "events_retention_days" integer DEFAULT 14 NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_personnel_id_personnel_id_fk" FOREIGN KEY ("personnel_id") REFERENCES "public"."personnel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_acknowledged_by_personnel_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."personnel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_alerts_personnel_raised" ON "alerts" USING btree ("personnel_id","raised_at");--> statement-breakpoint
CREATE INDEX "idx_alerts_raised" ON "alerts" USING btree ("raised_at");--> statement-breakpoint
-- ==== HAND-WRITTEN (dashboard): NOTIFY every committed outbox row to the SSE hubs of every app instance ====
-- A NOTIFY sent inside a transaction is delivered only when (and if) it commits, so "notify after commit" holds
-- for every writer of events (emitEvent or a CTE insert). The payload is the row as JSON when it fits NOTIFY's
-- 8000-byte limit, else just its id (the hub then reads the row).
CREATE OR REPLACE FUNCTION fieldbeat_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  body text := json_build_object('id', NEW.id, 'type', NEW.type, 'personnel_id', NEW.personnel_id, 'visit_id', NEW.visit_id,
    'location_id', NEW.location_id, 'payload', NEW.payload, 'created_at', NEW.created_at)::text;
BEGIN
  IF octet_length(body) > 7900 THEN
    body := json_build_object('id', NEW.id, 'truncated', true)::text;
  END IF;
  PERFORM pg_notify('fieldbeat_events', body);
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION fieldbeat_events_notify();
--> statement-breakpoint
-- ==== END HAND-WRITTEN ====
