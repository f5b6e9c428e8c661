CREATE INDEX "idx_planned_visits_visit" ON "planned_visits" USING btree ("visit_id") WHERE "planned_visits"."visit_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "idx_planned_visits_location" ON "planned_visits" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "idx_api_keys_personnel" ON "api_keys" USING btree ("personnel_id");--> statement-breakpoint
CREATE INDEX "idx_tracking_gaps_personnel" ON "tracking_gaps" USING btree ("personnel_id","started_at");