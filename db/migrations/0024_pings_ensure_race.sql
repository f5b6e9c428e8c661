-- fieldbeat_ensure_ping_partitions (0019_pings_by_day) raced: two ping batches of the first reps of a new day both
-- found the day missing, queued on the advisory lock, and the second, looking again after the first had committed,
-- still did not see the new table (to_regclass reads the catalog cache, which an advisory lock does not refresh), so
-- its CREATE failed with "relation … already exists" and the batch with it (seen by bench/partitions.ts, 2 reps).
-- Now a day created meanwhile is skipped, not an error: the CREATE runs in its own block that ignores it.
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
			BEGIN
				EXECUTE format('CREATE TABLE %I PARTITION OF location_pings FOR VALUES FROM (%L) TO (%L)', part,
					to_char(d, 'YYYY-MM-DD') || ' 00:00:00+00', to_char(d + 1, 'YYYY-MM-DD') || ' 00:00:00+00');
				created := created + 1;
			EXCEPTION WHEN duplicate_table THEN
				NULL; -- created by a concurrent caller since this one looked
			END;
		END IF;
		d := d + 1;
	END LOOP;
	RETURN created;
END
$$;
