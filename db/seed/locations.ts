import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { offsetPoint, type Random } from "./random";

export type SeedLocation = {
  name: string;
  address: string | null;
  lat: number;
  lng: number;
  locationType: string;
  geofenceRadius: number;
  externalRef: string;
};

const POI_FILE = "poi/bengaluru_osm_poi_2015.csv";
const BENGALURU = { lat: 12.9716, lng: 77.5946 };
/** Large sites get a wider fence: a rep at the mall's far entrance is still at the customer. */
const WIDE_FENCE_TYPES = new Set(["mall", "metro_station", "tourist_attraction", "sports_centre"]);

const titleCase = (s: string) => s.replace(/_/g, " ").replace(/\b\w/g, (c) => c.toUpperCase());

type PoiRow = { osm_id: string; category: string; name: string; lat: string; lon: string; addr_street: string };

/** Real Bengaluru places from OpenStreetMap (ODbL) when the fixtures are present, else generated ones. */
export function loadSeedLocations(fixturesDir: string, random: Random): { source: "osm" | "generated"; rows: SeedLocation[] } {
  const file = path.join(/*turbopackIgnore: true*/ fixturesDir, POI_FILE);
  if (existsSync(file)) {
    const records = parse(readFileSync(file, "utf8"), { columns: true, skip_empty_lines: true }) as PoiRow[];
    const rows = records
      .map((r): SeedLocation => ({
        name: r.name.trim() || `${titleCase(r.category)} (${r.osm_id})`,
        address: r.addr_street.trim() || null,
        lat: Number(r.lat),
        lng: Number(r.lon),
        locationType: r.category,
        geofenceRadius: WIDE_FENCE_TYPES.has(r.category) ? 100 : 50,
        externalRef: `osm:${r.osm_id}`,
      }))
      .filter((r) => Number.isFinite(r.lat) && Number.isFinite(r.lng));
    return { source: "osm", rows };
  }
  const types = ["restaurant", "atm", "pharmacy", "retail", "distributor"];
  const rows = Array.from({ length: 400 }, (_, i): SeedLocation => {
    const p = offsetPoint(BENGALURU.lat, BENGALURU.lng, random.int(200, 15_000), random.int(0, 359));
    const type = random.pick(types);
    return {
      name: `${titleCase(type)} ${String(i + 1).padStart(3, "0")}`,
      address: null,
      lat: p.lat,
      lng: p.lng,
      locationType: type,
      geofenceRadius: 50,
      externalRef: `generated:${i + 1}`,
    };
  });
  return { source: "generated", rows };
}
