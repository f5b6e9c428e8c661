import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { ph, preparedStatement } from "../db/prepared";
import { distanceSql } from "../geo/verdict";
import { pointSql } from "./locations.queries";
import type { NearbyQuery, NearbyResponse } from "@/contracts/locations";

const nearby = preparedStatement("locations_nearby", () => {
  const p = pointSql(ph("lat"), ph("lon"));
  return sql`SELECT * FROM (
          SELECT l.id, l.name, l.address, l.location_type, ST_Y(l.coordinates::geometry) AS lat, ST_X(l.coordinates::geometry) AS lon,
                 l.geofence_radius, ${distanceSql(sql`l.coordinates`, p)} AS distance_m
          FROM locations l
          WHERE l.active AND ST_DWithin(l.coordinates, ${p}, ${ph("radius")}::float8)
          ORDER BY l.coordinates <-> ${p}
          LIMIT ${ph("limit")}::int
        ) n ORDER BY n.distance_m, n.id`;
});

type Row = { id: number; name: string; address: string | null; location_type: string | null; lat: number; lon: number; geofence_radius: number; distance_m: string };

/**
 * Active locations within `radius` metres, nearest first. ST_DWithin filters on the GiST index,
 * `<->` orders by the index's KNN distance, and the exact spheroid ST_Distance is reported;
 * a final sort on the exact distance settles any KNN/spheroid ordering differences among the top rows.
 */
export async function findNearby(ctx: Ctx, q: NearbyQuery): Promise<NearbyResponse> {
  requirePermission(ctx.actor, "locations.read");
  const rows = await nearby<Row>(ctx.db, { lat: q.lat, lon: q.lon, radius: q.radius, limit: q.limit });
  return {
    locations: rows.map((r) => ({
      id: r.id,
      name: r.name,
      address: r.address,
      location_type: r.location_type,
      lat: Number(r.lat),
      lon: Number(r.lon),
      geofence_radius: Number(r.geofence_radius),
      distance_m: Number(r.distance_m),
    })),
  };
}
