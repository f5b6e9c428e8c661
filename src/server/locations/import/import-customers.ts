import "server-only";
import { sql } from "drizzle-orm";
import { env } from "@/env";
import type { Ctx } from "../../auth/actor";
import { requirePermission } from "../../auth/permissions";
import { recordAudit } from "../../audit/record-audit";
import { arrayLiteral, textArray } from "../../db/array-literal";
import { queryRows, type Db } from "../../db/client";
import { validationFailed } from "../../errors";
import { getOrgSettings } from "../../settings/org-settings";
import { checkRecord, decodeCsv, detectDelimiter, FileProblem, forEachRecord, mapHeader, type CsvRow, type Header } from "./customers-csv";
import { geocodeAddress } from "./geocode";
import type { ImportError, ImportResult } from "@/contracts/locations";

const BATCH = 2_000;
const MAX_ERRORS = 1_000;
const MAX_PREVIEW = 2_000;
/** A row without external_ref is the same customer as an existing one with the same name within this distance. */
export const SAME_PLACE_M = 25;

class Rollback extends Error {
  constructor(readonly result: ImportResult) {
    super("rollback");
  }
}

/** Appends a batch of checked rows to the transaction's staging table: one statement, one array parameter per column. */
async function stage(tx: Db, rows: CsvRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.execute(sql`INSERT INTO import_stage (line, ref, name, address, lat, lon, radius, type)
    SELECT * FROM unnest(${arrayLiteral(rows.map((r) => r.line))}::int[], ${textArray(rows.map((r) => r.ref))}::text[], ${textArray(rows.map((r) => r.name))}::text[],
      ${textArray(rows.map((r) => r.address))}::text[], ${arrayLiteral(rows.map((r) => r.lat))}::float8[], ${arrayLiteral(rows.map((r) => r.lon))}::float8[],
      ${arrayLiteral(rows.map((r) => r.radius))}::int[], ${textArray(rows.map((r) => r.type))}::text[])`);
}

export type ImportOptions = { dryRun: boolean; skipInvalid: boolean };

/**
 * POST /api/v1/locations/import (admins, managers). Reads the file record by record (bounded batches into a
 * transaction-local staging table), then matches, classifies and writes set-based, all in ONE transaction.
 * Any invalid row without skipInvalid, or a dry run, rolls the transaction back: nothing is written, and the answer
 * still says what would have been created, updated or left unchanged. Re-importing the same file changes nothing.
 */
export async function importCustomers(ctx: Ctx, bytes: Uint8Array, opts: ImportOptions): Promise<ImportResult> {
  requirePermission(ctx.actor, "locations.manage");
  let text: string;
  let delimiter: "," | ";";
  try {
    text = decodeCsv(bytes);
    delimiter = detectDelimiter(text);
  } catch (err) {
    throw err instanceof FileProblem ? validationFailed(err.message, "file") : err;
  }
  const settings = await getOrgSettings(ctx.db);
  const key = env.GOOGLE_MAPS_API_KEY;
  try {
    return await ctx.db.transaction((tx) => runImport(tx, ctx, text, delimiter, settings.default_geofence_radius, key, opts));
  } catch (err) {
    if (err instanceof Rollback) return err.result;
    if (err instanceof FileProblem) throw validationFailed(err.message, "file");
    throw err;
  }
}

async function runImport(tx: Db, ctx: Ctx, text: string, delimiter: string, defaultRadius: number, key: string | undefined, opts: ImportOptions): Promise<ImportResult> {
  await tx.execute(sql`CREATE TEMP TABLE import_stage (line int PRIMARY KEY, ref text, name text NOT NULL, address text, lat float8, lon float8, radius int, type text,
    match_id int, action text) ON COMMIT DROP`);
  let header: Header | null = null;
  const errors: ImportError[] = [];
  const invalidLines = new Set<number>();
  const geocoded: ImportResult["geocoded"] = [];
  const refs = new Map<string, number>();
  let total = 0;
  let errorCount = 0;
  let batch: CsvRow[] = [];
  /** Queues a checked row; a full batch goes to the staging table (the parser waits for it). */
  const add = (row: CsvRow): Promise<void> | undefined => {
    batch.push(row);
    if (batch.length < BATCH) return undefined;
    const full = batch;
    batch = [];
    return stage(tx, full);
  };
  const fail = (e: ImportError): undefined => {
    invalidLines.add(e.row);
    errorCount++;
    if (errors.length < MAX_ERRORS) errors.push(e);
    return undefined;
  };

  await forEachRecord(
    text,
    delimiter,
    (cells) => (header = mapHeader(cells)),
    (cells, line, parseError) => {
      const h = header!;
      total++;
      if (parseError) return fail({ row: line, column: null, code: "MALFORMED", message: `this record cannot be read: ${parseError}` });
      const { row, errors: rowErrors } = checkRecord(cells, line, h, delimiter);
      if (!row) return rowErrors.forEach(fail);
      const refCol = h.index.external_ref === undefined ? null : h.names[h.index.external_ref]!;
      if (row.ref !== null) {
        const refKey = row.ref.toLowerCase();
        const first = refs.get(refKey);
        if (first !== undefined) return fail({ row: line, column: refCol, code: "DUPLICATE_REF", message: `the same ${refCol} as row ${first}` });
        refs.set(refKey, line);
      }
      if (row.lat === null || row.lon === null) {
        if (!key || !row.address) {
          const col = h.index.lat !== undefined ? h.names[h.index.lat]! : "lat";
          return fail({ row: line, column: col, code: "COORDINATES_REQUIRED", message: key ? "coordinates are required (or an address to geocode)" : "coordinates are required (no geocoding key is configured)" });
        }
        // Only rows that need the network pause the parser (and the batch waits for them).
        return geocodeAddress(row.address, key).then((g) => {
          if (!g) return fail({ row: line, column: h.names[h.index.address!]!, code: "ADDRESS_NOT_FOUND", message: "the address could not be placed on the map: add lat and lon" });
          geocoded.push({ row: line, quality: g.quality, ambiguous: g.ambiguous });
          return add({ ...row, lat: g.lat, lon: g.lon });
        });
      }
      return add(row);
    },
  );
  if (!header) throw new FileProblem("The file is empty: it needs a header row (name, lat, lon, …) and at least one customer.");
  await stage(tx, batch);

  // Match: by external_ref; a row without one, by the same name within SAME_PLACE_M (nearest first).
  await tx.execute(sql`UPDATE import_stage s SET match_id = l.id FROM locations l WHERE s.ref IS NOT NULL AND l.external_ref = s.ref`);
  await tx.execute(sql`UPDATE import_stage s SET match_id = (
      SELECT l.id FROM locations l
      WHERE lower(l.name) = lower(s.name) AND ST_DWithin(l.coordinates, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)::geography, ${SAME_PLACE_M})
      ORDER BY l.coordinates <-> ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)::geography LIMIT 1)
    WHERE s.ref IS NULL`);
  // Two rows of the file naming one existing customer: the later row is the error.
  const h = header as Header;
  const nameCol = h.names[h.index.name!]!;
  const twice = await queryRows<{ line: number; first: number }>(
    tx,
    sql`SELECT line, first FROM (SELECT line, min(line) OVER (PARTITION BY match_id) AS first FROM import_stage WHERE match_id IS NOT NULL) x WHERE line > first ORDER BY line`,
  );
  for (const t of twice) fail({ row: t.line, column: nameCol, code: "DUPLICATE_CUSTOMER", message: `the same customer as row ${t.first}` });
  if (twice.length > 0) await tx.execute(sql`DELETE FROM import_stage WHERE line = ANY(${arrayLiteral(twice.map((t) => t.line))}::int[])`);
  errors.sort((a, b) => a.row - b.row);

  await tx.execute(sql`UPDATE import_stage s SET action = CASE
      WHEN s.match_id IS NULL THEN 'create'
      WHEN l.name IS DISTINCT FROM s.name OR (s.address IS NOT NULL AND l.address IS DISTINCT FROM s.address)
        OR ST_Y(l.coordinates::geometry) <> s.lat OR ST_X(l.coordinates::geometry) <> s.lon
        OR (s.radius IS NOT NULL AND l.geofence_radius <> s.radius) OR (s.type IS NOT NULL AND l.location_type IS DISTINCT FROM s.type)
        OR (s.ref IS NOT NULL AND l.external_ref IS DISTINCT FROM s.ref) THEN 'update'
      ELSE 'unchanged' END
    FROM (SELECT s2.line, l2.* FROM import_stage s2 LEFT JOIN locations l2 ON l2.id = s2.match_id) l WHERE l.line = s.line`);
  const [counts] = await queryRows<{ created: number; updated: number; unchanged: number }>(
    tx,
    sql`SELECT count(*) FILTER (WHERE action = 'create')::int AS created, count(*) FILTER (WHERE action = 'update')::int AS updated,
               count(*) FILTER (WHERE action = 'unchanged')::int AS unchanged FROM import_stage`,
  );
  const preview = await queryRows<{ row: number; name: string; lat: number; lon: number; action: "create" | "update" | "unchanged" }>(
    tx,
    sql`SELECT line AS row, name, lat, lon, action FROM import_stage ORDER BY line LIMIT ${MAX_PREVIEW}`,
  );
  const invalid = invalidLines.size;
  const committed = !opts.dryRun && (invalid === 0 || opts.skipInvalid);
  const result: ImportResult = {
    committed,
    dry_run: opts.dryRun,
    total_rows: total,
    created: counts!.created,
    updated: counts!.updated,
    unchanged: counts!.unchanged,
    invalid,
    ignored_columns: h.ignored,
    errors,
    errors_truncated: errorCount > errors.length,
    geocoded,
    preview: preview.map((p) => ({ ...p, row: Number(p.row), lat: Number(p.lat), lon: Number(p.lon) })),
  };
  if (!committed) throw new Rollback(result);

  const now = ctx.now.toISOString();
  await tx.execute(sql`UPDATE locations l SET name = s.name, address = coalesce(s.address, l.address),
      coordinates = ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)::geography, geofence_radius = coalesce(s.radius, l.geofence_radius),
      location_type = coalesce(s.type, l.location_type), external_ref = coalesce(s.ref, l.external_ref), updated_at = ${now}::timestamptz
    FROM import_stage s WHERE s.action = 'update' AND l.id = s.match_id`);
  await tx.execute(sql`INSERT INTO locations (name, address, coordinates, geofence_radius, location_type, external_ref, created_at, updated_at)
    SELECT name, address, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography, coalesce(radius, ${defaultRadius}), type, ref, ${now}::timestamptz, ${now}::timestamptz
    FROM import_stage WHERE action = 'create' ORDER BY line`);
  await recordAudit(tx, {
    action: "locations.imported",
    actor: ctx.actor,
    subjectType: "location",
    details: { total_rows: total, created: result.created, updated: result.updated, unchanged: result.unchanged, invalid, skipped_invalid: invalid > 0 },
    at: ctx.now,
  });
  return result;
}
