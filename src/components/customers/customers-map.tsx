"use client";

import { useRouter } from "next/navigation";
import { FieldMap } from "../map/field-map";
import type { MapCircle, MapMarker } from "../map/map-types";

export type CustomerPin = { id: number; name: string; lat: number; lon: number; geofence_radius: number; active: boolean };

/** The listed customers on a map: a pin each (a click opens the customer) and its geofence circle. */
export function CustomersMap({ customers, height = "360px" }: { customers: CustomerPin[]; height?: string }) {
  const router = useRouter();
  const markers: MapMarker[] = customers.map((c) => ({
    id: `c${c.id}`,
    lat: c.lat,
    lon: c.lon,
    label: `${c.name}${c.active ? "" : " (deactivated)"}, geofence ${c.geofence_radius} m`,
    color: c.active ? "#15803d" : "#64748b",
    onClick: () => router.push(`/manager/customers/${c.id}`),
  }));
  const circles: MapCircle[] = customers.map((c) => ({ id: `g${c.id}`, lat: c.lat, lon: c.lon, radiusM: c.geofence_radius, color: c.active ? "#16a34a" : "#64748b" }));
  return <FieldMap markers={markers} circles={circles} height={height} ariaLabel={`Map of the ${customers.length} listed customers and their geofences`} />;
}
