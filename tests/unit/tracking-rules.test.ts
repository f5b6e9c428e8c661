import { describe, expect, it } from "vitest";
import { bestCause } from "../../src/server/tracking/detect-gaps";
import { placeInWorkDay, type WorkHours } from "../../src/server/tracking/work-hours";
import { isoWeekday, localDate } from "../../src/lib/time";

const kolkata: WorkHours = { timeZone: "Asia/Kolkata", startMin: 9 * 60, endMin: 19 * 60, workDays: [1, 2, 3, 4, 5, 6] };

describe("placeInWorkDay", () => {
  it("uses the organisation's date and wall clock, not UTC's", () => {
    // 2026-11-20 19:00 UTC is already Saturday 00:30 in Kolkata.
    expect(placeInWorkDay(new Date("2026-11-20T19:00:00Z"), kolkata)).toEqual({ date: "2026-11-21", inWorkHours: false });
    expect(placeInWorkDay(new Date("2026-11-20T03:30:00Z"), kolkata)).toEqual({ date: "2026-11-20", inWorkHours: true }); // 09:00 sharp
    expect(placeInWorkDay(new Date("2026-11-20T03:29:59Z"), kolkata).inWorkHours).toBe(false);
    expect(placeInWorkDay(new Date("2026-11-20T13:30:00Z"), kolkata).inWorkHours).toBe(true); // 19:00 sharp
    expect(placeInWorkDay(new Date("2026-11-20T13:31:00Z"), kolkata).inWorkHours).toBe(false);
  });
  it("refuses non-working days", () => {
    expect(placeInWorkDay(new Date("2026-11-22T06:00:00Z"), kolkata)).toEqual({ date: "2026-11-22", inWorkHours: false }); // Sunday
  });
  it("follows daylight saving time", () => {
    const paris: WorkHours = { timeZone: "Europe/Paris", startMin: 9 * 60, endMin: 18 * 60, workDays: [1, 2, 3, 4, 5] };
    expect(placeInWorkDay(new Date("2026-07-01T07:30:00Z"), paris).inWorkHours).toBe(true); // 09:30 CEST
    expect(placeInWorkDay(new Date("2026-12-01T07:30:00Z"), paris).inWorkHours).toBe(false); // 08:30 CET
  });
  it("gives the same date and weekday as Intl's calendar, every 29 minutes of a year, around DST changes and in odd offsets", () => {
    const zones = ["Asia/Kolkata", "Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham", "UTC"];
    const allDays = [1, 2, 3, 4, 5, 6, 7];
    let checked = 0;
    for (const timeZone of zones) {
      const hours: WorkHours = { timeZone, startMin: 0, endMin: 24 * 60, workDays: allDays };
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 29 * 60_000 + 7_000) {
        const at = new Date(t);
        const place = placeInWorkDay(at, hours);
        const date = localDate(at, timeZone);
        if (place.date !== date) expect({ at: at.toISOString(), timeZone, date: place.date }).toEqual({ at: at.toISOString(), timeZone, date });
        if (!place.inWorkHours) expect({ at: at.toISOString(), timeZone, inWorkHours: false }).toBe("every minute of every day is in these hours");
        const weekdayOnly = placeInWorkDay(at, { ...hours, workDays: [isoWeekday(date)] });
        if (!weekdayOnly.inWorkHours) expect({ at: at.toISOString(), timeZone, weekday: isoWeekday(date) }).toBe("the weekday of Intl's date");
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(7 * 18_000);
  }, 60_000);
});

describe("bestCause", () => {
  const gap = (from: string, to: string, cause: "hidden" | "offline") => ({ from: `2026-11-20T${from}:00Z`, to: `2026-11-20T${to}:00Z`, cause });
  it("takes the client gap overlapping most, or none", () => {
    const s = new Date("2026-11-20T10:00:00Z");
    const e = new Date("2026-11-20T10:30:00Z");
    expect(bestCause(s, e, [gap("09:50", "10:05", "offline"), gap("10:05", "10:29", "hidden")])).toBe("hidden");
    expect(bestCause(s, e, [gap("10:30", "10:40", "offline")])).toBeNull();
    expect(bestCause(s, e, [])).toBeNull();
  });
});
