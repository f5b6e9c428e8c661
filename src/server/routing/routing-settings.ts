import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client";
import { ROUTING_DEFAULTS } from "@/lib/routing/defaults";

export type RoutingSettings = {
  time_zone: string;
  travel_speed_kmh: number;
  default_service_minutes: number;
  route_detour_factor: number;
  /** HH:MM: the organisation's work-day start, when a planned day's route starts by default. */
  day_start: string;
  /** A stop's planned_time is an appointment: service may begin from it until this many minutes later (the late-check-in alert's grace). */
  appointment_minutes: number;
};

/**
 * The organisation's routing numbers. Until the one settings object (issue #18) carries travel_speed_kmh,
 * default_service_minutes and route_detour_factor, they come from ROUTING_DEFAULTS; at merge this function reads
 * them from that object (one line).
 */
export async function loadRoutingSettings(db: Db): Promise<RoutingSettings> {
  const [s] = await queryRows<{ time_zone: string; day_start: string; late: number }>(
    db,
    sql`SELECT time_zone, substr(work_day_start::text, 1, 5) AS day_start, alert_late_check_in_minutes AS late FROM org_settings WHERE id = 1`,
  );
  return {
    time_zone: s?.time_zone ?? "Asia/Kolkata",
    day_start: s?.day_start ?? ROUTING_DEFAULTS.start_time,
    appointment_minutes: Number(s?.late ?? 30),
    travel_speed_kmh: ROUTING_DEFAULTS.travel_speed_kmh,
    default_service_minutes: ROUTING_DEFAULTS.default_service_minutes,
    route_detour_factor: ROUTING_DEFAULTS.route_detour_factor,
  };
}
