-- GPS pings partitioned by day (issue #22): declarative RANGE partitions on captured_at, one per UTC day, named
-- location_pings_pYYYYMMDD, and no default partition (a day is dropped or detached on its own, without a scan of a
-- default partition). Raw SQL: drizzle-kit cannot declare partitions. Runs on PostgreSQL and on PGlite.
-- The keys hold the partition key: PRIMARY KEY (id, captured_at); the fix's idempotency key is (client_id, captured_at).
-- Partitions are created by fieldbeat_ensure_ping_partitions(from, to) (below): here for every day that holds a ping
-- and the days around today, by the `pings-partitions` job 7 days ahead, and on demand by the pings use-case.
ALTER TABLE "org_settings" ADD COLUMN "ping_retention_days" integer DEFAULT 90 NOT NULL;--> statement-breakpoint
ALTER TABLE "location_pings" RENAME TO "location_pings_unpartitioned";--> statement-breakpoint
ALTER INDEX "location_pings_pkey" RENAME TO "location_pings_unpartitioned_pkey";--> statement-breakpoint
ALTER TABLE "location_pings_unpartitioned" DROP CONSTRAINT "location_pings_client_id_unique";--> statement-breakpoint
DROP INDEX "idx_location_pings_personnel_time";--> statement-breakpoint
DROP INDEX "idx_location_pings_session";--> statement-breakpoint
ALTER TABLE "location_pings_unpartitioned" DROP CONSTRAINT "location_pings_personnel_id_personnel_id_fk";--> statement-breakpoint
ALTER TABLE "location_pings_unpartitioned" DROP CONSTRAINT "location_pings_session_id_daily_sessions_id_fk";--> statement-breakpoint
-- The id sequence carries on (ids stay unique across the move and after it).
ALTER SEQUENCE "location_pings_id_seq" OWNED BY NONE;--> statement-breakpoint
CREATE TABLE "location_pings" (
	"id" bigint DEFAULT nextval('location_pings_id_seq'::regclass) NOT NULL,
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
	CONSTRAINT "location_pings_pkey" PRIMARY KEY("id","captured_at"),
	CONSTRAINT "location_pings_client_id_captured_at_unique" UNIQUE("client_id","captured_at")
) PARTITION BY RANGE ("captured_at");--> statement-breakpoint
ALTER SEQUENCE "location_pings_id_seq" OWNED BY "location_pings"."id";--> statement-breakpoint
ALTER TABLE "location_pings" ADD CONSTRAINT "location_pings_personnel_id_personnel_id_fk" FOREIGN KEY ("personnel_id") REFERENCES "public"."personnel"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "location_pings" ADD CONSTRAINT "location_pings_session_id_daily_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."daily_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_location_pings_personnel_time" ON "location_pings" USING btree ("personnel_id","captured_at");--> statement-breakpoint
CREATE INDEX "idx_location_pings_session" ON "location_pings" USING btree ("session_id","captured_at");--> statement-breakpoint
-- The day partitions from `from_day` to `to_day` (inclusive) that do not exist yet; returns how many it created.
-- Cheap when they all exist (a catalog look-up per day, no lock). Creating one takes the parent's lock for a moment:
-- concurrent callers serialise on an advisory lock and look again, so two never race to create the same day.
CREATE OR REPLACE FUNCTION fieldbeat_ensure_ping_partitions(from_day date, to_day date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	d date := from_day;
	part text;
	created integer := 0;
	locked boolean := false;
BEGIN
	IF to_day - from_day > 3660 THEN
		RAISE EXCEPTION 'fieldbeat_ensure_ping_partitions: % days is too many at once', to_day - from_day + 1;
	END IF;
	WHILE d <= to_day LOOP
		part := 'location_pings_p' || to_char(d, 'YYYYMMDD');
		IF to_regclass(quote_ident(part)) IS NULL THEN
			IF NOT locked THEN
				PERFORM pg_advisory_xact_lock(hashtext('fieldbeat_ping_partitions'));
				locked := true;
			END IF;
			IF to_regclass(quote_ident(part)) IS NULL THEN
				EXECUTE format('CREATE TABLE %I PARTITION OF location_pings FOR VALUES FROM (%L) TO (%L)', part,
					to_char(d, 'YYYY-MM-DD') || ' 00:00:00+00', to_char(d + 1, 'YYYY-MM-DD') || ' 00:00:00+00');
				created := created + 1;
			END IF;
		END IF;
		d := d + 1;
	END LOOP;
	RETURN created;
END
$$;--> statement-breakpoint
-- Every day that holds a ping, and the week around today.
SELECT fieldbeat_ensure_ping_partitions(d::date, d::date)
FROM (SELECT DISTINCT (captured_at AT TIME ZONE 'UTC')::date AS d FROM "location_pings_unpartitioned") AS days;--> statement-breakpoint
SELECT fieldbeat_ensure_ping_partitions((now() AT TIME ZONE 'UTC')::date - 7, (now() AT TIME ZONE 'UTC')::date + 7);--> statement-breakpoint
INSERT INTO "location_pings" SELECT "id", "client_id", "personnel_id", "session_id", "coords", "accuracy_m", "speed", "heading", "source", "captured_at", "received_at" FROM "location_pings_unpartitioned";--> statement-breakpoint
DROP TABLE "location_pings_unpartitioned";
