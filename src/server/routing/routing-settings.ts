import "server-only";
import type { Db } from "../db/client";
import { getOrgSettings } from "../settings/org-settings";
import type { DayRouting } from "@/lib/routing/day-route";
import type { OrgSettings } from "@/contracts/settings";

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

/** The organisation's routing numbers, from the one settings object (Admin → Settings; PATCH /api/v1/settings). */
export async function loadRoutingSettings(db: Db): Promise<RoutingSettings> {
  return routingSettingsOf(await getOrgSettings(db));
}

/** The routing numbers of a settings object already read. */
export function routingSettingsOf(s: OrgSettings): RoutingSettings {
  return {
    time_zone: s.time_zone,
    day_start: s.work_start,
    appointment_minutes: s.alert_late_check_in_minutes,
    travel_speed_kmh: s.travel_speed_kmh,
    default_service_minutes: s.default_service_minutes,
    route_detour_factor: s.route_detour_factor,
  };
}

/** The numbers a day is optimised with, as the plan response carries them to the phone (optimiseDay's `routing`). */
export function dayRoutingOf(s: RoutingSettings): DayRouting {
  return {
    travel_speed_kmh: s.travel_speed_kmh,
    route_detour_factor: s.route_detour_factor,
    default_service_minutes: s.default_service_minutes,
    appointment_minutes: s.appointment_minutes,
  };
}
