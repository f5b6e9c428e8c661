CREATE TABLE "beats" (
	"id" serial PRIMARY KEY NOT NULL,
	"personnel_id" integer NOT NULL,
	"name" varchar(200) NOT NULL,
	"weekdays" integer[] NOT NULL,
	"every_weeks" smallint DEFAULT 1 NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"stops" jsonb NOT NULL,
	"keep_order" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"client_id" uuid NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "beats_client_id_unique" UNIQUE("client_id"),
	CONSTRAINT "beats_every_weeks" CHECK ("beats"."every_weeks" IN (1, 2, 4))
);
--> statement-breakpoint
CREATE TABLE "plan_days" (
	"personnel_id" integer NOT NULL,
	"plan_date" date NOT NULL,
	"source" varchar(16) NOT NULL,
	"beat_id" integer,
	"updated_by" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plan_days_personnel_id_plan_date_pk" PRIMARY KEY("personnel_id","plan_date"),
	CONSTRAINT "plan_days_source" CHECK ("plan_days"."source" IN ('beat','manual'))
);
--> statement-breakpoint
ALTER TABLE "beats" ADD CONSTRAINT "beats_personnel_id_personnel_id_fk" FOREIGN KEY ("personnel_id") REFERENCES "public"."personnel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "beats" ADD CONSTRAINT "beats_created_by_personnel_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."personnel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_days" ADD CONSTRAINT "plan_days_personnel_id_personnel_id_fk" FOREIGN KEY ("personnel_id") REFERENCES "public"."personnel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_days" ADD CONSTRAINT "plan_days_beat_id_beats_id_fk" FOREIGN KEY ("beat_id") REFERENCES "public"."beats"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_days" ADD CONSTRAINT "plan_days_updated_by_personnel_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."personnel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_beats_personnel" ON "beats" USING btree ("personnel_id");