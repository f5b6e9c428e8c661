import "server-only";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import type { Db } from "../db/client";
import { env } from "@/env";
import type { Point } from "@/lib/geo/distance";
import type { TravelMatrix } from "@/lib/routing/matrix";
import { optimizeRoute, type RouteInput, type RouteResult } from "@/lib/routing/optimize";
import type { OptimizeRouteRequest } from "@/contracts/routing";
import { roadMatrix } from "./google-distance";
import { loadRoutingSettings, type RoutingSettings } from "./routing-settings";

/** The organisation's numbers filled in where the request is silent. */
export function withSettings(s: RoutingSettings, input: Omit<RouteInput, "detour_factor" | "default_service_minutes">): RouteInput {
  return {
    ...input,
    start_time: input.start_time ?? s.day_start,
    speed_kmh: input.speed_kmh ?? s.travel_speed_kmh,
    detour_factor: s.route_detour_factor,
    default_service_minutes: s.default_service_minutes,
  };
}

/** Road matrix when GOOGLE_MAPS_API_KEY is set (its errors fall back pair by pair); undefined = the keyless model. */
export async function serverMatrix(input: RouteInput): Promise<TravelMatrix | undefined> {
  if (!env.GOOGLE_MAPS_API_KEY) return undefined;
  const points: Point[] = [input.start, ...input.stops.map((s) => ({ lat: s.lat, lon: s.lon })), ...(input.end ? [input.end] : [])];
  return roadMatrix(points, env.GOOGLE_MAPS_API_KEY, env.GOOGLE_MAPS_MATRIX_API, { detour: input.detour_factor!, speedKmh: input.speed_kmh! });
}

export async function routingFor(db: Db, input: Omit<RouteInput, "detour_factor" | "default_service_minutes">): Promise<{ input: RouteInput; matrix: TravelMatrix | undefined; settings: RoutingSettings }> {
  const settings = await loadRoutingSettings(db);
  const full = withSettings(settings, input);
  return { input: full, matrix: await serverMatrix(full), settings };
}

/** POST /api/v1/routes/optimize: any signed-in caller; computes, writes nothing. */
export async function optimizeRouteRequest(ctx: Ctx, req: OptimizeRouteRequest): Promise<RouteResult> {
  requirePermission(ctx.actor, "routes.read");
  const { input, matrix } = await routingFor(ctx.db, {
    start: req.start,
    end: req.end ?? null,
    start_time: req.start_time,
    speed_kmh: req.speed_kmh,
    stops: req.stops.map((s) => ({ id: s.id, lat: s.lat, lon: s.lon, service_minutes: s.service_minutes, window: s.window ?? null })),
  });
  return optimizeRoute(input, { matrix });
}
