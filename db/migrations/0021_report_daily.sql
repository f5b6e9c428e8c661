CREATE TABLE "report_daily" (
	"personnel_id" integer NOT NULL,
	"day" date NOT NULL,
	"planned" integer DEFAULT 0 NOT NULL,
	"timed" integer DEFAULT 0 NOT NULL,
	"visited" integer DEFAULT 0 NOT NULL,
	"on_time" integer DEFAULT 0 NOT NULL,
	"visits" integer DEFAULT 0 NOT NULL,
	"valid" integer DEFAULT 0 NOT NULL,
	"warning" integer DEFAULT 0 NOT NULL,
	"invalid" integer DEFAULT 0 NOT NULL,
	"minutes" integer DEFAULT 0 NOT NULL,
	"flags" integer DEFAULT 0 NOT NULL,
	"km_x100" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "report_daily_personnel_id_day_pk" PRIMARY KEY("personnel_id","day")
);
--> statement-breakpoint
-- ==== HAND-WRITTEN (reports): the per-rep, per-day rollup of the summary report, kept by triggers ====
-- A row (rep, day) holds exactly what the live summary query would count for that rep and day, minus what depends
-- on the clock ("due" is subtracted at read time from the few stops not due yet):
--   planned/timed/visited/on_time: planned stops dated `day` (on_time: timed, visited, checked in by planned time +
--   the late threshold); visits/valid/warning/invalid/minutes/flags: visits checked in on `day`, org-local;
--   km_x100: the day's session km × 100 (numeric(10,2), so exact).
-- Every change to planned_visits, visits or daily_sessions recomputes the (rep, day) rows it touches from the live
-- tables, in the writer's transaction (statement triggers with transition tables: one recompute per statement).
-- Concurrency: a recompute takes a per-(rep, day) advisory lock first, then reads with a fresh snapshot (READ
-- COMMITTED), so of two writers of the same day the later one sees the earlier's commit. Every recompute also holds
-- a shared lock that a rebuild (time zone or late threshold changed, TRUNCATE) takes exclusively, and so does a
-- statement touching more than 64 (rep, day) keys instead of locking each.
CREATE OR REPLACE FUNCTION fieldbeat_report_daily_recompute(p_reps integer[], p_days date[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  tz text;
  late integer;
  keyed boolean := p_reps IS NOT NULL;
  pv_src text;
  vv_src text;
  ss_src text;
BEGIN
  IF keyed AND (SELECT count(*) FROM (SELECT DISTINCT pid, d FROM unnest(p_reps, p_days) AS u(pid, d) WHERE pid IS NOT NULL AND d IS NOT NULL) k) > 64 THEN
    -- A bulk statement (a seed, a job closing many visits, opening many days): one exclusive lock instead of one
    -- per key. The lock table is shared by the whole server and small (max_locks_per_transaction × connections);
    -- thousands of key locks in one transaction run it out of shared memory for everyone.
    PERFORM pg_advisory_xact_lock(724203);
  ELSIF keyed THEN
    PERFORM pg_advisory_xact_lock_shared(724203);
    -- Lock the keys in a fixed order (no deadlock between two writers of the same days).
    PERFORM pg_advisory_xact_lock(724204, hashtext(k.pid::text || ':' || k.d::text))
      FROM (SELECT DISTINCT pid, d FROM unnest(p_reps, p_days) AS u(pid, d) WHERE pid IS NOT NULL AND d IS NOT NULL ORDER BY 1, 2) k;
  ELSE
    PERFORM pg_advisory_xact_lock(724203);
  END IF;
  SELECT coalesce(s.time_zone, 'Asia/Kolkata'), coalesce(s.alert_late_check_in_minutes, 30) INTO tz, late
    FROM (SELECT 1) one LEFT JOIN org_settings s ON s.id = 1;
  IF keyed THEN
    -- Static SQL (its plan is cached for the session): this runs in every check-in, check-out and pings batch.
    -- The rebuild below is the same computation over every row (dynamic SQL, run rarely); the test holds them equal.
    DELETE FROM report_daily r USING unnest(p_reps, p_days) AS u(pid, d) WHERE r.personnel_id = u.pid AND r.day = u.d;
    WITH k AS (SELECT DISTINCT pid, d FROM unnest(p_reps, p_days) AS u(pid, d) WHERE pid IS NOT NULL AND d IS NOT NULL),
    pv AS (
      SELECT p.personnel_id AS pid, p.planned_date AS d, count(*) AS planned, count(*) FILTER (WHERE p.planned_time IS NOT NULL) AS timed,
             count(*) FILTER (WHERE p.visit_id IS NOT NULL) AS visited,
             count(*) FILTER (WHERE p.planned_time IS NOT NULL
               AND v.check_in_time <= ((p.planned_date + p.planned_time) AT TIME ZONE tz) + make_interval(mins => late)) AS on_time
      FROM k JOIN planned_visits p ON p.personnel_id = k.pid AND p.planned_date = k.d LEFT JOIN visits v ON v.id = p.visit_id
      GROUP BY 1, 2),
    vv AS (
      SELECT v.personnel_id AS pid, k.d, count(*) AS visits,
             count(*) FILTER (WHERE v.validation_status = 'VALID') AS valid, count(*) FILTER (WHERE v.validation_status = 'WARNING') AS warning,
             count(*) FILTER (WHERE v.validation_status = 'INVALID') AS invalid, coalesce(sum(v.duration_minutes), 0) AS minutes,
             coalesce(sum(cardinality(v.flags)), 0) AS flags
      FROM k JOIN visits v ON v.personnel_id = k.pid AND v.check_in_time >= (k.d::timestamp AT TIME ZONE tz) AND v.check_in_time < ((k.d + 1)::timestamp AT TIME ZONE tz)
      GROUP BY 1, 2),
    ss AS (SELECT s.personnel_id AS pid, s.session_date AS d, coalesce(sum(s.total_travel_km), 0) AS km FROM k JOIN daily_sessions s ON s.personnel_id = k.pid AND s.session_date = k.d GROUP BY 1, 2)
    INSERT INTO report_daily (personnel_id, day, planned, timed, visited, on_time, visits, valid, warning, invalid, minutes, flags, km_x100)
    SELECT x.pid, x.d, sum(x.planned), sum(x.timed), sum(x.visited), sum(x.on_time), sum(x.visits), sum(x.valid), sum(x.warning), sum(x.invalid), sum(x.minutes), sum(x.flags), (sum(x.km) * 100)::integer
    FROM (
      SELECT pv.pid, pv.d, pv.planned, pv.timed, pv.visited, pv.on_time, 0 AS visits, 0 AS valid, 0 AS warning, 0 AS invalid, 0 AS minutes, 0 AS flags, 0 AS km FROM pv
      UNION ALL SELECT vv.pid, vv.d, 0, 0, 0, 0, vv.visits, vv.valid, vv.warning, vv.invalid, vv.minutes, vv.flags, 0 FROM vv
      UNION ALL SELECT ss.pid, ss.d, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ss.km FROM ss) x
    GROUP BY x.pid, x.d;
    RETURN;
  END IF;
  pv_src := 'planned_visits p';
  vv_src := 'visits v';
  ss_src := 'daily_sessions s';
  DELETE FROM report_daily;
  EXECUTE format($q$
    WITH k AS (SELECT DISTINCT pid, d FROM unnest($1::integer[], $2::date[]) AS u(pid, d) WHERE pid IS NOT NULL AND d IS NOT NULL),
    pv AS (
      SELECT p.personnel_id AS pid, p.planned_date AS d, count(*) AS planned, count(*) FILTER (WHERE p.planned_time IS NOT NULL) AS timed,
             count(*) FILTER (WHERE p.visit_id IS NOT NULL) AS visited,
             count(*) FILTER (WHERE p.planned_time IS NOT NULL
               AND v.check_in_time <= ((p.planned_date + p.planned_time) AT TIME ZONE $3) + make_interval(mins => $4)) AS on_time
      FROM %s LEFT JOIN visits v ON v.id = p.visit_id
      GROUP BY 1, 2),
    vv AS (
      SELECT v.personnel_id AS pid, (v.check_in_time AT TIME ZONE $3)::date AS d, count(*) AS visits,
             count(*) FILTER (WHERE v.validation_status = 'VALID') AS valid, count(*) FILTER (WHERE v.validation_status = 'WARNING') AS warning,
             count(*) FILTER (WHERE v.validation_status = 'INVALID') AS invalid, coalesce(sum(v.duration_minutes), 0) AS minutes,
             coalesce(sum(cardinality(v.flags)), 0) AS flags
      FROM %s
      WHERE v.check_in_time IS NOT NULL
      GROUP BY 1, 2),
    ss AS (SELECT s.personnel_id AS pid, s.session_date AS d, coalesce(sum(s.total_travel_km), 0) AS km FROM %s GROUP BY 1, 2)
    INSERT INTO report_daily (personnel_id, day, planned, timed, visited, on_time, visits, valid, warning, invalid, minutes, flags, km_x100)
    SELECT pid, d, sum(planned), sum(timed), sum(visited), sum(on_time), sum(visits), sum(valid), sum(warning), sum(invalid), sum(minutes), sum(flags), (sum(km) * 100)::integer
    FROM (
      SELECT pid, d, planned, timed, visited, on_time, 0 AS visits, 0 AS valid, 0 AS warning, 0 AS invalid, 0 AS minutes, 0 AS flags, 0 AS km FROM pv
      UNION ALL SELECT pid, d, 0, 0, 0, 0, visits, valid, warning, invalid, minutes, flags, 0 FROM vv
      UNION ALL SELECT pid, d, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, km FROM ss) x
    GROUP BY pid, d
  $q$, pv_src, vv_src, ss_src) USING p_reps, p_days, tz, late;
END $$;
--> statement-breakpoint
-- The (rep, day) keys a statement touched, per table. UPDATE compares old and new rows by id and keeps only rows whose
-- counted columns changed (a check-in's total_visits, a selfie, a sequence: no recompute).
CREATE OR REPLACE FUNCTION fieldbeat_report_daily_planned() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE reps integer[]; days date[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(personnel_id), array_agg(planned_date) INTO reps, days FROM n;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(personnel_id), array_agg(planned_date) INTO reps, days FROM o;
  ELSE
    SELECT array_agg(k.pid), array_agg(k.d) INTO reps, days FROM (
      SELECT o.personnel_id AS pid, o.planned_date AS d, n.personnel_id AS pid2, n.planned_date AS d2 FROM o JOIN n ON n.id = o.id
      WHERE (o.personnel_id, o.planned_date, o.planned_time, o.visit_id) IS DISTINCT FROM (n.personnel_id, n.planned_date, n.planned_time, n.visit_id)
    ) c, LATERAL (VALUES (c.pid, c.d), (c.pid2, c.d2)) AS k(pid, d);
  END IF;
  IF reps IS NOT NULL THEN PERFORM fieldbeat_report_daily_recompute(reps, days); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION fieldbeat_report_daily_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE reps integer[]; days date[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(personnel_id), array_agg(session_date) INTO reps, days FROM n;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(personnel_id), array_agg(session_date) INTO reps, days FROM o;
  ELSE
    SELECT array_agg(k.pid), array_agg(k.d) INTO reps, days FROM (
      SELECT o.personnel_id AS pid, o.session_date AS d, n.personnel_id AS pid2, n.session_date AS d2 FROM o JOIN n ON n.id = o.id
      WHERE (o.personnel_id, o.session_date, o.total_travel_km) IS DISTINCT FROM (n.personnel_id, n.session_date, n.total_travel_km)
    ) c, LATERAL (VALUES (c.pid, c.d), (c.pid2, c.d2)) AS k(pid, d);
  END IF;
  IF reps IS NOT NULL THEN PERFORM fieldbeat_report_daily_recompute(reps, days); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Visits: the org-local check-in day (read under the shared lock, so a time-zone change cannot slip in between), and,
-- when a visit's check-in time or rep changes, the planned stops it fulfils (their on-time count).
CREATE OR REPLACE FUNCTION fieldbeat_report_daily_visits() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE reps integer[]; days date[]; tz text;
BEGIN
  IF TG_OP = 'UPDATE' THEN -- (nested: the transition table o exists only for UPDATE and DELETE)
    IF NOT EXISTS (SELECT 1 FROM o JOIN n ON n.id = o.id
        WHERE (o.personnel_id, o.check_in_time, o.validation_status, o.duration_minutes, o.flags)
              IS DISTINCT FROM (n.personnel_id, n.check_in_time, n.validation_status, n.duration_minutes, n.flags)) THEN
      RETURN NULL;
    END IF;
  END IF;
  PERFORM pg_advisory_xact_lock_shared(724203);
  SELECT coalesce(s.time_zone, 'Asia/Kolkata') INTO tz FROM (SELECT 1) one LEFT JOIN org_settings s ON s.id = 1;
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(personnel_id), array_agg((check_in_time AT TIME ZONE tz)::date) INTO reps, days FROM n WHERE check_in_time IS NOT NULL;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(personnel_id), array_agg((check_in_time AT TIME ZONE tz)::date) INTO reps, days FROM o WHERE check_in_time IS NOT NULL;
  ELSE
    SELECT array_agg(pid), array_agg(d) INTO reps, days FROM (
      SELECT o.personnel_id AS pid, (o.check_in_time AT TIME ZONE tz)::date AS d FROM o JOIN n ON n.id = o.id
        WHERE (o.personnel_id, o.check_in_time, o.validation_status, o.duration_minutes, o.flags)
              IS DISTINCT FROM (n.personnel_id, n.check_in_time, n.validation_status, n.duration_minutes, n.flags)
      UNION SELECT n.personnel_id, (n.check_in_time AT TIME ZONE tz)::date FROM o JOIN n ON n.id = o.id
        WHERE (o.personnel_id, o.check_in_time, o.validation_status, o.duration_minutes, o.flags)
              IS DISTINCT FROM (n.personnel_id, n.check_in_time, n.validation_status, n.duration_minutes, n.flags)
      UNION SELECT p.personnel_id, p.planned_date FROM o JOIN n ON n.id = o.id JOIN planned_visits p ON p.visit_id = n.id
        WHERE (o.personnel_id, o.check_in_time) IS DISTINCT FROM (n.personnel_id, n.check_in_time)
    ) k WHERE pid IS NOT NULL AND d IS NOT NULL;
  END IF;
  IF reps IS NOT NULL THEN PERFORM fieldbeat_report_daily_recompute(reps, days); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION fieldbeat_report_daily_rebuild() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM fieldbeat_report_daily_recompute(NULL, NULL);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER report_daily_planned_ins AFTER INSERT ON planned_visits REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION fieldbeat_report_daily_planned();
--> statement-breakpoint
CREATE TRIGGER report_daily_planned_upd AFTER UPDATE ON planned_visits REFERENCING OLD TABLE AS o NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION fieldbeat_report_daily_planned();
--> statement-breakpoint
CREATE TRIGGER report_daily_planned_del AFTER DELETE ON planned_visits REFERENCING OLD TABLE AS o FOR EACH STATEMENT EXECUTE FUNCTION fieldbeat_report_daily_planned();
--> statement-breakpoint
CREATE TRIGGER report_daily_visits_ins AFTER INSERT ON visits REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION fieldbeat_report_daily_visits();
--> statement-breakpoint
CREATE TRIGGER report_daily_visits_upd AFTER UPDATE ON visits REFERENCING OLD TABLE AS o NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION fieldbeat_report_daily_visits();
--> statement-breakpoint
CREATE TRIGGER report_daily_visits_del AFTER DELETE ON visits REFERENCING OLD TABLE AS o FOR EACH STATEMENT EXECUTE FUNCTION fieldbeat_report_daily_visits();
--> statement-breakpoint
CREATE TRIGGER report_daily_sessions_ins AFTER INSERT ON daily_sessions REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION fieldbeat_report_daily_sessions();
--> statement-breakpoint
CREATE TRIGGER report_daily_sessions_upd AFTER UPDATE ON daily_sessions REFERENCING OLD TABLE AS o NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION fieldbeat_report_daily_sessions();
--> statement-breakpoint
CREATE TRIGGER report_daily_sessions_del AFTER DELETE ON daily_sessions REFERENCING OLD TABLE AS o FOR EACH STATEMENT EXECUTE FUNCTION fieldbeat_report_daily_sessions();
--> statement-breakpoint
CREATE TRIGGER report_daily_truncate AFTER TRUNCATE ON planned_visits FOR EACH STATEMENT EXECUTE FUNCTION fieldbeat_report_daily_rebuild();
--> statement-breakpoint
CREATE TRIGGER report_daily_truncate AFTER TRUNCATE ON visits FOR EACH STATEMENT EXECUTE FUNCTION fieldbeat_report_daily_rebuild();
--> statement-breakpoint
CREATE TRIGGER report_daily_truncate AFTER TRUNCATE ON daily_sessions FOR EACH STATEMENT EXECUTE FUNCTION fieldbeat_report_daily_rebuild();
--> statement-breakpoint
-- The counts depend on the time zone (a visit's day) and the late threshold (on time): a change rebuilds every row
-- in the same transaction.
CREATE TRIGGER report_daily_settings AFTER UPDATE ON org_settings FOR EACH ROW
  WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone OR OLD.alert_late_check_in_minutes IS DISTINCT FROM NEW.alert_late_check_in_minutes)
  EXECUTE FUNCTION fieldbeat_report_daily_rebuild();
--> statement-breakpoint
SELECT fieldbeat_report_daily_recompute(NULL, NULL);
--> statement-breakpoint
-- ==== END HAND-WRITTEN ====
