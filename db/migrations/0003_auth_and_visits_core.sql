CREATE TABLE "api_keys" (
	"id" serial PRIMARY KEY NOT NULL,
	"client_id" uuid,
	"name" varchar(100) NOT NULL,
	"prefix" varchar(16) NOT NULL,
	"key_hash" varchar(64) NOT NULL,
	"access" varchar(12) DEFAULT 'read' NOT NULL,
	"personnel_id" integer NOT NULL,
	"created_by" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_client_id_unique" UNIQUE("client_id"),
	CONSTRAINT "api_keys_prefix_unique" UNIQUE("prefix"),
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash"),
	CONSTRAINT "api_keys_access_known" CHECK ("api_keys"."access" IN ('read','read_write'))
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"actor_id" integer,
	"actor_email" varchar(255),
	"action" varchar(64) NOT NULL,
	"subject_type" varchar(32),
	"subject_id" varchar(64),
	"target_personnel_id" integer,
	"ip" varchar(64),
	"user_agent" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"client_id" uuid PRIMARY KEY NOT NULL,
	"actor_id" integer NOT NULL,
	"operation" varchar(64) NOT NULL,
	"status" integer DEFAULT 200 NOT NULL,
	"response" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mfa_recovery_codes" (
	"id" serial PRIMARY KEY NOT NULL,
	"personnel_id" integer NOT NULL,
	"code_hash" text NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"key" varchar(255) PRIMARY KEY NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"expire" bigint
);
--> statement-breakpoint
CREATE TABLE "refresh_tokens" (
	"id" serial PRIMARY KEY NOT NULL,
	"personnel_id" integer NOT NULL,
	"family_id" uuid NOT NULL,
	"token_hash" varchar(64) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"rotated_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoked_reason" varchar(40),
	"user_agent" text,
	"ip" varchar(64),
	CONSTRAINT "refresh_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "location_pings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"client_id" uuid NOT NULL,
	"personnel_id" integer NOT NULL,
	"session_id" integer,
	"coords" geography(Point,4326) NOT NULL,
	"accuracy_m" real NOT NULL,
	"speed" real,
	"heading" real,
	"source" varchar(20),
	"captured_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "location_pings_client_id_unique" UNIQUE("client_id")
);
--> statement-breakpoint
CREATE TABLE "tracking_gaps" (
	"id" serial PRIMARY KEY NOT NULL,
	"personnel_id" integer NOT NULL,
	"session_id" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone NOT NULL,
	"cause" varchar(30) DEFAULT 'unknown' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tracking_gaps_session_start" UNIQUE("session_id","started_at")
);
--> statement-breakpoint
ALTER TABLE "personnel" ADD COLUMN "client_id" uuid;--> statement-breakpoint
ALTER TABLE "personnel" ADD COLUMN "mfa_secret" text;--> statement-breakpoint
ALTER TABLE "personnel" ADD COLUMN "mfa_enabled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "personnel" ADD COLUMN "tokens_valid_after" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "check_in_captured_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "check_in_received_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "check_in_accuracy_m" real;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "check_out_client_id" uuid;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "check_out_captured_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "check_out_received_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "check_out_accuracy_m" real;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "check_out_distance_m" numeric(10, 2);--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "check_out_status" varchar(20);--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "outcome" varchar(40);--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "flags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "evidence_score" smallint;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "daily_sessions" ADD COLUMN "start_client_id" uuid;--> statement-breakpoint
ALTER TABLE "daily_sessions" ADD COLUMN "end_client_id" uuid;--> statement-breakpoint
ALTER TABLE "daily_sessions" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "org_settings" ADD COLUMN "require_manager_mfa" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_personnel_id_personnel_id_fk" FOREIGN KEY ("personnel_id") REFERENCES "public"."personnel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_created_by_personnel_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."personnel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_id_personnel_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."personnel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_target_personnel_id_personnel_id_fk" FOREIGN KEY ("target_personnel_id") REFERENCES "public"."personnel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_actor_id_personnel_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."personnel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mfa_recovery_codes" ADD CONSTRAINT "mfa_recovery_codes_personnel_id_personnel_id_fk" FOREIGN KEY ("personnel_id") REFERENCES "public"."personnel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_personnel_id_personnel_id_fk" FOREIGN KEY ("personnel_id") REFERENCES "public"."personnel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "location_pings" ADD CONSTRAINT "location_pings_personnel_id_personnel_id_fk" FOREIGN KEY ("personnel_id") REFERENCES "public"."personnel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "location_pings" ADD CONSTRAINT "location_pings_session_id_daily_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."daily_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_gaps" ADD CONSTRAINT "tracking_gaps_personnel_id_personnel_id_fk" FOREIGN KEY ("personnel_id") REFERENCES "public"."personnel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_gaps" ADD CONSTRAINT "tracking_gaps_session_id_daily_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."daily_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_audit_created" ON "audit_log" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "idx_audit_actor" ON "audit_log" USING btree ("actor_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_audit_target" ON "audit_log" USING btree ("target_personnel_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_audit_action" ON "audit_log" USING btree ("action","created_at");--> statement-breakpoint
CREATE INDEX "idx_mfa_recovery_personnel" ON "mfa_recovery_codes" USING btree ("personnel_id");--> statement-breakpoint
CREATE INDEX "idx_refresh_tokens_family" ON "refresh_tokens" USING btree ("family_id");--> statement-breakpoint
CREATE INDEX "idx_refresh_tokens_personnel" ON "refresh_tokens" USING btree ("personnel_id");--> statement-breakpoint
CREATE INDEX "idx_location_pings_personnel_time" ON "location_pings" USING btree ("personnel_id","captured_at");--> statement-breakpoint
CREATE INDEX "idx_location_pings_session" ON "location_pings" USING btree ("session_id","captured_at");--> statement-breakpoint
CREATE UNIQUE INDEX "visits_one_open_per_rep" ON "visits" USING btree ("personnel_id") WHERE "visits"."check_in_time" IS NOT NULL AND "visits"."check_out_time" IS NULL;--> statement-breakpoint
ALTER TABLE "personnel" ADD CONSTRAINT "personnel_client_id_unique" UNIQUE("client_id");--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_check_out_client_id_unique" UNIQUE("check_out_client_id");--> statement-breakpoint
ALTER TABLE "daily_sessions" ADD CONSTRAINT "daily_sessions_start_client_id_unique" UNIQUE("start_client_id");--> statement-breakpoint
ALTER TABLE "daily_sessions" ADD CONSTRAINT "daily_sessions_end_client_id_unique" UNIQUE("end_client_id");