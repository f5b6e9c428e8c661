import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client";
import type { OrgSettings } from "@/contracts/settings";

/** The organisation's time zone when no settings row exists yet (the column's default). */
export const DEFAULT_TIME_ZONE = "Asia/Kolkata";

type Row = Record<string, unknown> & { work_days: number[] | string; selfie_required_types: string[] | string | null; updated_at: Date | string };

/** postgres.js parses arrays; be tolerant of the text form "{1,2,3}" too. */
const pgArray = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : String(v ?? "").replace(/[{}"]/g, "").split(",").filter(Boolean);

/**
 * The settings row (id = 1) as the typed object, read now from `db` (a transaction sees its own change).
 * Use-cases read through getOrgSettings (cached per process); this is for the update path and for code that
 * runs before the process database exists (migrations, the demo roll-forward).
 */
export async function readOrgSettings(db: Db, lock = false): Promise<OrgSettings> {
  const [r] = await queryRows<Row>(
    db,
    sql`SELECT name, time_zone, work_days, to_char(work_day_start, 'HH24:MI') AS work_start, to_char(work_day_end, 'HH24:MI') AS work_end,
               default_geofence_radius, default_service_minutes, travel_speed_kmh, route_detour_factor, tracking_interval_seconds,
               require_manager_mfa, selfie_required_types, alert_late_check_in_minutes, alert_open_visit_minutes, alert_untracked_minutes,
               photo_retention_days, events_retention_days, ping_retention_days, is_demo, updated_at
        FROM org_settings WHERE id = 1 ${lock ? sql`FOR UPDATE` : sql``}`,
  );
  if (!r) throw new Error("org_settings row 1 is missing: run the migrations");
  const updatedAt = r.updated_at instanceof Date ? r.updated_at : new Date(String(r.updated_at));
  return {
    name: String(r.name),
    time_zone: String(r.time_zone),
    work_days: pgArray(r.work_days).map(Number),
    work_start: String(r.work_start),
    work_end: String(r.work_end),
    default_geofence_radius: Number(r.default_geofence_radius),
    default_service_minutes: Number(r.default_service_minutes),
    travel_speed_kmh: Number(r.travel_speed_kmh),
    route_detour_factor: Number(r.route_detour_factor),
    tracking_interval_seconds: Number(r.tracking_interval_seconds),
    require_manager_mfa: Boolean(r.require_manager_mfa),
    selfie_required_types: pgArray(r.selfie_required_types),
    alert_late_check_in_minutes: Number(r.alert_late_check_in_minutes),
    alert_open_visit_minutes: Number(r.alert_open_visit_minutes),
    alert_untracked_minutes: Number(r.alert_untracked_minutes),
    photo_retention_days: Number(r.photo_retention_days),
    events_retention_days: Number(r.events_retention_days),
    ping_retention_days: Number(r.ping_retention_days),
    is_demo: Boolean(r.is_demo),
    updated_at: updatedAt.toISOString(),
  };
}

/**
 * The time zone as a scalar subquery, for the hot paths (check-in, selfie upload) that fold it into the one query
 * they already run instead of a separate read. Null without a settings row: see orgTimeZoneOrDefault.
 */
export const orgTimeZoneSql = sql<string | null>`(SELECT time_zone FROM org_settings WHERE id = 1)`;
export const orgTimeZoneOrDefault = (tz: unknown): string => (typeof tz === "string" && tz ? tz : DEFAULT_TIME_ZONE);
