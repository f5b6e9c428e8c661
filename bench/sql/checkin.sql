-- The SQL core of one check-in, as pgbench sees it: read the location (with the spheroid distance),
-- insert the visit, insert its GPS validation, in one transaction. Visits are inserted already closed
-- so random reps never collide on visits_one_open_per_rep.
\set loc random(1, :nloc)
\set rep random(:minrep, :maxrep)
\set lat 12.85 + random(0, 25000) * 0.00001
\set lon 77.48 + random(0, 27000) * 0.00001
BEGIN;
SELECT id, geofence_radius, round(ST_Distance(coordinates, ST_SetSRID(ST_MakePoint(:lon::float8, :lat::float8), 4326)::geography)::numeric, 2) AS distance
  FROM locations WHERE id = :loc AND active;
WITH v AS (
  INSERT INTO visits (personnel_id, location_id, planned_date, check_in_time, check_out_time, check_in_coords, validated, validation_status,
                      client_id, check_in_captured_at, check_in_received_at, check_in_accuracy_m, flags, evidence_score)
  VALUES (:rep, :loc, current_date, now(), now(), ST_SetSRID(ST_MakePoint(:lon::float8, :lat::float8), 4326)::geography, true, 'VALID',
          gen_random_uuid(), now(), now(), 8, '{}', 100)
  RETURNING id)
INSERT INTO location_validations (visit_id, validation_type, is_valid, distance_from_location, validation_details)
  SELECT id, 'GPS', true, 12.34, '{"phase":"check_in","status":"VALID"}'::jsonb FROM v;
END;
