import { describe, expect, it } from "vitest";
import { parseEwkbPoint, toEwkt } from "../../src/server/db/geography";

describe("geography point codec", () => {
  it("parses PostGIS hex EWKB with SRID (little endian), as both drivers return it", () => {
    // SELECT 'SRID=4326;POINT(77.5946 12.9716)'::geography  →
    expect(parseEwkbPoint("0101000020E6100000E78C28ED0D6653405396218E75F12940")).toEqual({ lng: 77.5946, lat: 12.9716 });
  });

  it("parses big-endian WKB without SRID", () => {
    const buf = Buffer.alloc(21);
    buf.writeUInt8(0, 0);
    buf.writeUInt32BE(1, 1);
    buf.writeDoubleBE(-0.1276, 5);
    buf.writeDoubleBE(51.5072, 13);
    expect(parseEwkbPoint(buf.toString("hex"))).toEqual({ lng: -0.1276, lat: 51.5072 });
  });

  it("refuses anything but a point", () => {
    expect(() => parseEwkbPoint("0102000020E610000000000000")).toThrow(/expected a WKB point/);
  });

  it("writes EWKT longitude first and refuses non-finite numbers", () => {
    expect(toEwkt({ lat: 12.9716, lng: 77.5946 })).toBe("SRID=4326;POINT(77.5946 12.9716)");
    expect(() => toEwkt({ lat: Number.NaN, lng: 0 })).toThrow();
  });
});
