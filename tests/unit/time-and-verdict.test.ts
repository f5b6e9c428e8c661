import { describe, expect, it } from "vitest";
import { addDays, isoWeekday, localDate, zonedInstant, zoneOffsetMinutes } from "../../src/lib/time";
import { geofenceStatus } from "../../src/server/geo/verdict";

describe("geofenceStatus", () => {
  it.each([
    [0, 50, "VALID"],
    [50, 50, "VALID"],
    [50.01, 50, "WARNING"],
    [100, 50, "WARNING"],
    [100.01, 50, "INVALID"],
    [39.01, 50, "VALID"],
    [69.82, 50, "WARNING"],
    [274.82, 50, "INVALID"],
  ] as const)("%f m at r=%i → %s", (d, r, status) => {
    expect(geofenceStatus(d, r)).toBe(status);
  });

  // The rule (docs/decisions/0003): WARNING up to twice the radius, INVALID beyond, at any radius — the band between
  // 2r and 3r included, where a looser WARNING would still count the visit as valid.
  it.each([
    [60, 30, "WARNING"],
    [60.01, 30, "INVALID"],
    [75, 30, "INVALID"],
    [200, 100, "WARNING"],
    [200.01, 100, "INVALID"],
    [250, 100, "INVALID"],
    [299.99, 100, "INVALID"],
    [300, 100, "INVALID"],
  ] as const)("%f m at r=%i → %s (the 2r boundary at other radii)", (d, r, status) => {
    expect(geofenceStatus(d, r)).toBe(status);
  });
});

describe("time in the organisation's zone", () => {
  it("finds the local date in Kolkata across UTC midnight", () => {
    expect(localDate(new Date("2026-11-24T19:00:00Z"), "Asia/Kolkata")).toBe("2026-11-25");
    expect(localDate(new Date("2026-11-24T18:00:00Z"), "Asia/Kolkata")).toBe("2026-11-24");
  });

  it("knows offsets, DST included", () => {
    expect(zoneOffsetMinutes(new Date("2026-01-01T00:00:00Z"), "Asia/Kolkata")).toBe(330);
    expect(zoneOffsetMinutes(new Date("2026-01-15T12:00:00Z"), "America/New_York")).toBe(-300);
    expect(zoneOffsetMinutes(new Date("2026-07-15T12:00:00Z"), "America/New_York")).toBe(-240);
    expect(zoneOffsetMinutes(new Date("2026-07-15T12:00:00Z"), "UTC")).toBe(0);
  });

  it("switches offset at the exact DST instant, also when asked again (offsets are remembered per quarter hour)", () => {
    // Europe/Berlin springs forward at 01:00 UTC on 2026-03-29 and falls back at 01:00 UTC on 2026-10-25.
    for (let pass = 0; pass < 2; pass++) {
      expect(zoneOffsetMinutes(new Date("2026-03-29T00:59:59.999Z"), "Europe/Berlin")).toBe(60);
      expect(zoneOffsetMinutes(new Date("2026-03-29T01:00:00.000Z"), "Europe/Berlin")).toBe(120);
      expect(zoneOffsetMinutes(new Date("2026-10-25T00:59:59.999Z"), "Europe/Berlin")).toBe(120);
      expect(zoneOffsetMinutes(new Date("2026-10-25T01:00:00.000Z"), "Europe/Berlin")).toBe(60);
      // Lord Howe moves by 30 minutes, Nepal sits at +05:45.
      expect(zoneOffsetMinutes(new Date("2026-01-15T12:00:00Z"), "Australia/Lord_Howe")).toBe(660);
      expect(zoneOffsetMinutes(new Date("2026-07-15T12:00:00Z"), "Australia/Lord_Howe")).toBe(630);
      expect(zoneOffsetMinutes(new Date("2026-07-15T12:00:00Z"), "Asia/Kathmandu")).toBe(345);
    }
  });

  it("turns a local wall-clock time into an instant", () => {
    expect(zonedInstant("2026-03-18", 9 * 60 + 30, "Asia/Kolkata").toISOString()).toBe("2026-03-18T04:00:00.000Z");
    expect(zonedInstant("2026-07-01", 9 * 60, "America/New_York").toISOString()).toBe("2026-07-01T13:00:00.000Z");
  });

  it("does calendar arithmetic", () => {
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(isoWeekday("2026-03-18")).toBe(3);
    expect(isoWeekday("2026-03-22")).toBe(7);
  });
});
