import { customType } from "drizzle-orm/pg-core";

export type LngLat = { lng: number; lat: number };

/**
 * Parses a PostGIS POINT returned as hex (E)WKB, the text form both drivers hand back
 * for geography columns. Only points are stored in this schema.
 */
export function parseEwkbPoint(hex: string): LngLat {
  const buf = Buffer.from(hex, "hex");
  const littleEndian = buf.readUInt8(0) === 1;
  const readU32 = (o: number) => (littleEndian ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const readF64 = (o: number) => (littleEndian ? buf.readDoubleLE(o) : buf.readDoubleBE(o));
  const type = readU32(1);
  const hasSrid = (type & 0x20000000) !== 0;
  if ((type & 0xff) !== 1) throw new Error(`expected a WKB point, got geometry type ${type & 0xff}`);
  const offset = hasSrid ? 9 : 5;
  return { lng: readF64(offset), lat: readF64(offset + 8) };
}

export function toEwkt(p: LngLat): string {
  if (!Number.isFinite(p.lng) || !Number.isFinite(p.lat)) throw new Error("non-finite coordinate");
  return `SRID=4326;POINT(${p.lng} ${p.lat})`;
}

/**
 * GEOGRAPHY(POINT, 4326). drizzle-kit quotes custom type names, so db/scripts/fix-migrations.ts
 * un-quotes this one after every `npm run db:generate` (see docs/decisions/0002-geography-type.md).
 */
export const geographyPoint = customType<{ data: LngLat; driverData: string }>({
  dataType() {
    return "geography(Point,4326)";
  },
  toDriver(value) {
    return toEwkt(value);
  },
  fromDriver(value) {
    return parseEwkbPoint(value);
  },
});
