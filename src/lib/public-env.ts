/**
 * The browser's half of the configuration: NEXT_PUBLIC_* variables, which Next inlines into client bundles at
 * build time (so they must be read as literal `process.env.NEXT_PUBLIC_…` expressions). src/env.ts validates
 * the same variables on the server; this module only picks them up for client code.
 */
const clean = (v: string | undefined) => (v && v.trim() !== "" ? v.trim() : undefined);

export const DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
export const DEFAULT_TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

export const publicEnv = {
  mapTileUrl: clean(process.env.NEXT_PUBLIC_MAP_TILE_URL) ?? DEFAULT_TILE_URL,
  mapTileAttribution: clean(process.env.NEXT_PUBLIC_MAP_TILE_ATTRIBUTION) ?? DEFAULT_TILE_ATTRIBUTION,
  googleMapsApiKey: clean(process.env.NEXT_PUBLIC_GOOGLE_MAPS_API_KEY),
};
