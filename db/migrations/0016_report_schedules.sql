CREATE TABLE "report_deliveries" (
	"id" serial PRIMARY KEY NOT NULL,
	"schedule_id" integer NOT NULL,
	"period" varchar(10) NOT NULL,
	"status" varchar(10) DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"claimed_at" timestamp with time zone,
	"error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_deliveries_once" UNIQUE("schedule_id","period")
);
--> statement-breakpoint
CREATE TABLE "report_schedules" (
	"id" serial PRIMARY KEY NOT NULL,
	"client_id" uuid NOT NULL,
	"owner_id" integer NOT NULL,
	"report" varchar(20) NOT NULL,
	"cadence" varchar(10) NOT NULL,
	"weekday" smallint,
	"send_time" varchar(5) NOT NULL,
	"format" varchar(10) NOT NULL,
	"recipients" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "report_schedules_client_id_unique" UNIQUE("client_id"),
	CONSTRAINT "report_schedules_weekday" CHECK (("report_schedules"."cadence" = 'weekly') = ("report_schedules"."weekday" IS NOT NULL))
);
--> statement-breakpoint
ALTER TABLE "report_deliveries" ADD CONSTRAINT "report_deliveries_schedule_id_report_schedules_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."report_schedules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_schedules" ADD CONSTRAINT "report_schedules_owner_id_personnel_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."personnel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_report_schedules_owner" ON "report_schedules" USING btree ("owner_id");