CREATE TABLE "report_daily_dirty" (
	"personnel_id" integer NOT NULL,
	"day" date NOT NULL,
	"marks" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "report_daily_dirty_personnel_id_day_pk" PRIMARY KEY("personnel_id","day")
);
--> statement-breakpoint
-- ==== HAND-WRITTEN (reports): the rollup settled outside the writers' transactions (issue #23) ====
-- Before: every check-in, check-out and ping batch recomputed its (rep, day) rows of report_daily in its own
-- transaction (two recomputes per check-in: the visit and its planned stop), behind a per-key advisory lock. Measured
-- with pgbench on the check-in's statements: 533/s with the triggers, 1,246/s without (docs/decisions/0016).
-- Now a writer only marks the keys it touched (one upsert into report_daily_dirty, its row lock held to its commit),
-- and fieldbeat_report_daily_settle() recomputes the marked keys: before the rollup is read (summaryRowsFromRollup)
-- and every minute (job reports-rollup-settle).
-- Why nothing is lost: the settle claims dirty rows with FOR UPDATE SKIP LOCKED and deletes them, then recomputes
-- with a fresh snapshot. A writer still open holds its dirty row's lock, so the settle skips that key (the writer's
-- change is not committed yet; the key stays marked). A writer that marks a key after the settle claimed it waits for
-- the settle's commit and then inserts a new mark. So every change committed after a settle's snapshot leaves its key
-- marked, and the deleted rows are the settle's own lock on its keys (a second settle skips them). The settle never
-- waits for a writer; a writer waits for a settle only on a key the settle holds. The settle takes the rebuild's lock
-- shared, like every writer of visits, so a rebuild (time zone or late threshold changed) waits for it, and a rebuild
-- leaves the marks in place (recomputing a settled key again is harmless).
CREATE OR REPLACE FUNCTION fieldbeat_report_daily_compute(p_reps integer[], p_days date[], tz text, late integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- Static SQL (its plan is cached for the session). The caller holds what keeps other recomputes of these keys out
    -- (the settle: the keys' dirty rows).
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
END $$;
--> statement-breakpoint
-- The triggers of 0021 call this with their keys: they now only mark them (one definition here, not three trigger
-- bodies again). Called with NULLs (a rebuild: settings changed, TRUNCATE, the migrations) it recomputes every row.
CREATE OR REPLACE FUNCTION fieldbeat_report_daily_recompute(p_reps integer[], p_days date[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  tz text;
  late integer;
  pv_src text;
  vv_src text;
  ss_src text;
BEGIN
  IF p_reps IS NOT NULL THEN
    PERFORM fieldbeat_report_daily_mark(p_reps, p_days);
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock(724203);
  SELECT coalesce(s.time_zone, 'Asia/Kolkata'), coalesce(s.alert_late_check_in_minutes, 30) INTO tz, late
    FROM (SELECT 1) one LEFT JOIN org_settings s ON s.id = 1;
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
CREATE OR REPLACE FUNCTION fieldbeat_report_daily_mark(p_reps integer[], p_days date[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO report_daily_dirty AS d (personnel_id, day)
  SELECT DISTINCT pid, dd FROM unnest(p_reps, p_days) AS u(pid, dd) WHERE pid IS NOT NULL AND dd IS NOT NULL ORDER BY 1, 2
  ON CONFLICT (personnel_id, day) DO UPDATE SET marks = d.marks + 1
$$;
--> statement-breakpoint
-- Settles at most p_limit marked keys (all when NULL) and returns how many it settled. Callers settle in chunks
-- (src/server/reports/report-rollup.ts): the claimed marks are held until the settle commits, and a writer of a claimed
-- key waits for that commit, so one settle of a bulk load's millions of marks would hold today's check-ins for minutes.
CREATE OR REPLACE FUNCTION fieldbeat_report_daily_settle(p_limit integer DEFAULT NULL) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE reps integer[]; days date[]; n integer; tz text; late integer;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(724203);
  WITH claimed AS (
    DELETE FROM report_daily_dirty WHERE ctid = ANY (ARRAY(SELECT ctid FROM report_daily_dirty LIMIT p_limit FOR UPDATE SKIP LOCKED))
    RETURNING personnel_id, day)
  SELECT array_agg(personnel_id), array_agg(day), count(*)::integer INTO reps, days, n FROM claimed;
  IF n = 0 THEN RETURN 0; END IF;
  SELECT coalesce(s.time_zone, 'Asia/Kolkata'), coalesce(s.alert_late_check_in_minutes, 30) INTO tz, late
    FROM (SELECT 1) one LEFT JOIN org_settings s ON s.id = 1;
  PERFORM fieldbeat_report_daily_compute(reps, days, tz, late);
  RETURN n;
END $$;
--> statement-breakpoint
-- ==== END HAND-WRITTEN ====
