CREATE TYPE "public"."personnel_role" AS ENUM('rep', 'manager', 'admin');--> statement-breakpoint
CREATE TABLE "personnel" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" varchar(255) NOT NULL,
	"email" varchar(255) NOT NULL,
	"phone" varchar(20),
	"employee_id" varchar(50),
	"manager_id" integer,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"role" "personnel_role" DEFAULT 'rep' NOT NULL,
	"password_hash" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "personnel_email_unique" UNIQUE("email"),
	CONSTRAINT "personnel_employee_id_unique" UNIQUE("employee_id"),
	CONSTRAINT "personnel_not_own_manager" CHECK ("personnel"."manager_id" IS NULL OR "personnel"."manager_id" <> "personnel"."id")
);
--> statement-breakpoint
CREATE TABLE "locations" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" varchar(255) NOT NULL,
	"address" text,
	"coordinates" geography(Point,4326) NOT NULL,
	"geofence_radius" integer DEFAULT 50 NOT NULL,
	"location_type" varchar(50),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"external_ref" varchar(100),
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "locations_external_ref_unique" UNIQUE("external_ref"),
	CONSTRAINT "locations_geofence_radius_range" CHECK ("locations"."geofence_radius" BETWEEN 5 AND 5000)
);
--> statement-breakpoint
CREATE TABLE "planned_visits" (
	"id" serial PRIMARY KEY NOT NULL,
	"personnel_id" integer NOT NULL,
	"location_id" integer NOT NULL,
	"planned_date" date NOT NULL,
	"sequence" integer NOT NULL,
	"visit_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "planned_visits_rep_date_seq" UNIQUE("personnel_id","planned_date","sequence")
);
--> statement-breakpoint
CREATE TABLE "visits" (
	"id" serial PRIMARY KEY NOT NULL,
	"personnel_id" integer NOT NULL,
	"location_id" integer NOT NULL,
	"planned_date" date,
	"check_in_time" timestamp with time zone,
	"check_in_coords" geography(Point,4326),
	"check_out_time" timestamp with time zone,
	"check_out_coords" geography(Point,4326),
	"duration_minutes" integer,
	"selfie_url" text,
	"selfie_metadata" jsonb,
	"notes" text,
	"validated" boolean DEFAULT false NOT NULL,
	"validation_status" varchar(20),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"client_id" uuid,
	CONSTRAINT "visits_client_id_unique" UNIQUE("client_id"),
	CONSTRAINT "visits_validation_status_known" CHECK ("visits"."validation_status" IS NULL OR "visits"."validation_status" IN ('VALID','WARNING','INVALID'))
);
--> statement-breakpoint
CREATE TABLE "daily_sessions" (
	"id" serial PRIMARY KEY NOT NULL,
	"personnel_id" integer NOT NULL,
	"session_date" date NOT NULL,
	"login_time" timestamp with time zone,
	"logout_time" timestamp with time zone,
	"total_visits" integer DEFAULT 0 NOT NULL,
	"total_travel_km" numeric(10, 2) DEFAULT '0' NOT NULL,
	"status" varchar(20) DEFAULT 'OPEN' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "daily_sessions_rep_date" UNIQUE("personnel_id","session_date")
);
--> statement-breakpoint
CREATE TABLE "location_validations" (
	"id" serial PRIMARY KEY NOT NULL,
	"visit_id" integer NOT NULL,
	"validation_type" varchar(20) NOT NULL,
	"is_valid" boolean NOT NULL,
	"distance_from_location" numeric(10, 2),
	"validation_details" jsonb,
	"validated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "org_settings" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"name" varchar(255) DEFAULT 'Fieldbeat' NOT NULL,
	"time_zone" varchar(64) DEFAULT 'Asia/Kolkata' NOT NULL,
	"work_day_start" time DEFAULT '09:00' NOT NULL,
	"work_day_end" time DEFAULT '19:00' NOT NULL,
	"work_days" integer[] DEFAULT '{1,2,3,4,5,6}'::integer[] NOT NULL,
	"default_geofence_radius" integer DEFAULT 50 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "org_settings_singleton" CHECK ("org_settings"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"type" varchar(64) NOT NULL,
	"personnel_id" integer,
	"visit_id" integer,
	"location_id" integer,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "personnel" ADD CONSTRAINT "personnel_manager_id_personnel_id_fk" FOREIGN KEY ("manager_id") REFERENCES "public"."personnel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "planned_visits" ADD CONSTRAINT "planned_visits_personnel_id_personnel_id_fk" FOREIGN KEY ("personnel_id") REFERENCES "public"."personnel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "planned_visits" ADD CONSTRAINT "planned_visits_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "planned_visits" ADD CONSTRAINT "planned_visits_visit_id_visits_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."visits"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_personnel_id_personnel_id_fk" FOREIGN KEY ("personnel_id") REFERENCES "public"."personnel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "daily_sessions" ADD CONSTRAINT "daily_sessions_personnel_id_personnel_id_fk" FOREIGN KEY ("personnel_id") REFERENCES "public"."personnel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "location_validations" ADD CONSTRAINT "location_validations_visit_id_visits_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."visits"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_personnel_manager" ON "personnel" USING btree ("manager_id");--> statement-breakpoint
CREATE INDEX "idx_location_coords" ON "locations" USING gist ("coordinates");--> statement-breakpoint
CREATE INDEX "idx_planned_visits_date" ON "planned_visits" USING btree ("planned_date");--> statement-breakpoint
CREATE INDEX "idx_visits_personnel_date" ON "visits" USING btree ("personnel_id","planned_date");--> statement-breakpoint
CREATE INDEX "idx_visits_location" ON "visits" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "idx_visits_check_in" ON "visits" USING btree ("check_in_time");--> statement-breakpoint
CREATE INDEX "idx_location_validations_visit" ON "location_validations" USING btree ("visit_id");--> statement-breakpoint
CREATE INDEX "idx_events_personnel" ON "events" USING btree ("personnel_id","id");