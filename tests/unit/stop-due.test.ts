/**
 * The stop-due rule (src/contracts/field-rules.ts), at and around its boundary, written from the rule as issue #21
 * states it: a planned stop is "missed" (and counts as due for completion and on-time) only after its planned time +
 * the organisation's late threshold; before that, and at that instant (a check-in then is still on time), it is
 * "upcoming". A stop with no planned time is due when its day has ended. The expected instants are built here from
 * wall clocks and offsets, never from the rule's own helpers; thresholds span the settings' allowed range.
 */
import { describe, expect, it } from "vitest";
import { checkInOnTime, stopDeadline, stopIsDue, stopState, type StopClock } from "../../src/contracts/field-rules";
import { orgSettingsSchema } from "../../src/contracts/settings";

const MIN = 60_000;
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);
// Thresholds an admin may set (settings validation: 5–720 minutes) and a common one in between.
const LIMITS = orgSettingsSchema.shape.alert_late_check_in_minutes;
const thresholds = [LIMITS.minValue ?? 5, 15, 45, LIMITS.maxValue ?? 720];

describe.each(thresholds)("a 09:30 stop in Kolkata (UTC+05:30) with a %i-minute late threshold", (late) => {
  const clock: StopClock = { timeZone: "Asia/Kolkata", lateMinutes: late };
  const stop = { date: "2026-11-20", planned_time: "09:30" };
  const planned = new Date("2026-11-20T09:30:00+05:30");
  const deadline = plus(planned, late * MIN);
  const open = { ...stop, checked_in: false };

  it("has its deadline at planned time + the threshold", () => {
    expect(stopDeadline(stop, clock).toISOString()).toBe(deadline.toISOString());
  });

  it.each([
    ["03:00 that morning", new Date("2026-11-20T03:00:00+05:30"), "upcoming"],
    ["the planned time itself", planned, "upcoming"],
    ["one minute before the deadline", plus(deadline, -MIN), "upcoming"],
    ["1 ms before the deadline", plus(deadline, -1), "upcoming"],
    ["the deadline (a check-in now would be on time)", deadline, "upcoming"],
    ["1 ms after the deadline", plus(deadline, 1), "missed"],
    ["one minute after the deadline", plus(deadline, MIN), "missed"],
    ["the next day", new Date("2026-11-21T09:00:00+05:30"), "missed"],
  ] as const)("at %s it is %s", (_label, now, state) => {
    expect(stopState(open, now, clock)).toBe(state);
    expect(stopIsDue(open, now, clock)).toBe(state === "missed");
  });

  it("is visited (and due) as soon as someone checked in, even before its time", () => {
    const early = new Date("2026-11-20T08:00:00+05:30");
    expect(stopState({ ...stop, checked_in: true }, early, clock)).toBe("visited");
    expect(stopIsDue({ ...stop, checked_in: true }, early, clock)).toBe(true);
  });

  it("counts a check-in at the deadline as on time, 1 ms later as late", () => {
    expect(checkInOnTime(stop, plus(planned, -10 * MIN), clock)).toBe(true);
    expect(checkInOnTime(stop, deadline, clock)).toBe(true);
    expect(checkInOnTime(stop, plus(deadline, 1), clock)).toBe(false);
  });
});

describe("a stop with no planned time", () => {
  const clock: StopClock = { timeZone: "Asia/Kolkata", lateMinutes: 30 };
  const open = { date: "2026-11-20", planned_time: null, checked_in: false };
  it.each([
    [new Date("2026-11-20T00:00:00+05:30"), "upcoming"],
    [new Date("2026-11-20T23:59:59.999+05:30"), "upcoming"],
    [new Date("2026-11-21T00:00:00+05:30"), "upcoming"],
    [new Date("2026-11-21T00:00:00.001+05:30"), "missed"],
  ] as const)("at %s is %s (due once its day has ended)", (now, state) => {
    expect(stopState(open, now, clock)).toBe(state);
  });
});

describe("the organisation's zone, not the host's, across a daylight-saving change", () => {
  // New York leaves daylight time at 02:00 on 2026-11-01: 09:00 that morning is 09:00 EST (UTC−5) = 14:00Z.
  const clock: StopClock = { timeZone: "America/New_York", lateMinutes: 20 };
  const open = { date: "2026-11-01", planned_time: "09:00", checked_in: false };
  it("waits for 09:20 EST", () => {
    expect(stopState(open, new Date("2026-11-01T09:20:00-05:00"), clock)).toBe("upcoming");
    expect(stopState(open, new Date("2026-11-01T09:20:00.001-05:00"), clock)).toBe("missed");
    // 09:20 of the day before (still EDT, UTC−4) is an hour earlier in UTC: the same wall clock, not the same instant.
    expect(stopState({ ...open, date: "2026-10-31" }, new Date("2026-10-31T09:20:00.001-04:00"), clock)).toBe("missed");
    expect(stopState({ ...open, date: "2026-10-31" }, new Date("2026-10-31T09:20:00-04:00"), clock)).toBe("upcoming");
  });
});
