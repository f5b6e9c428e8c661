/**
 * The field rules declared once (src/contracts/field-rules.ts), judged from both sides at their boundaries: the phone's
 * decisions (breadcrumb or not, how a replay packs ping batches) against the server's (work hours of a fix, the ping
 * batch contract). Written from the rule ("09:00–19:00, both bounds inclusive, to the millisecond"), not from constants.
 */
import "fake-indexeddb/auto";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { insideWorkHours, placeInWorkDay, workHoursOf, type WorkHours } from "../../src/contracts/field-rules";
import { recordPingsSchema } from "../../src/contracts/tracking";
import { isBreadcrumb, STALE_FIX_MS } from "../../src/components/rep/use-location";
import { enqueue, listItems } from "../../src/lib/offline/queue";
import { openOfflineDb } from "../../src/lib/offline/db";
import { pingRun } from "../../src/lib/offline/replay";
import { STALE_AFTER_MS } from "../../src/server/visits/evidence";
import { CAPTURE_WINDOW_MS } from "../../src/server/photos/photo-evidence";

// What the day plan carries to the phone, and the server's calendar built from the same settings.
const plan = { start: "09:00", end: "19:00", days: [1, 2, 3, 4, 5, 6] };
const kolkata: WorkHours = workHoursOf(plan, "Asia/Kolkata");
// 2026-11-20 is a Friday; Kolkata is UTC+05:30.
const ist = (hms: string, date = "2026-11-20") => new Date(`${date}T${hms}+05:30`);

describe("work hours: one rule for phone and server", () => {
  const cases: [string, boolean][] = [
    ["08:59:59.999", false],
    ["09:00:00.000", true],
    ["12:00:00.000", true],
    ["18:59:59.999", true],
    ["19:00:00.000", true],
    ["19:00:00.001", false],
    ["19:00:30.000", false], // the disagreement of issue #17: the phone used to say "19:00, inside"
    ["19:00:59.999", false],
    ["19:01:00.000", false],
  ];
  it.each(cases)("%s IST on a work day → inside %s, on both sides", (hms, inside) => {
    const at = ist(hms);
    expect(placeInWorkDay(at, kolkata)).toEqual({ date: "2026-11-20", inWorkHours: inside });
    expect(insideWorkHours(at, kolkata)).toBe(inside);
    // The phone records a breadcrumb exactly when the server would accept its time.
    expect(isBreadcrumb({ lat: 12.97, lon: 77.59, accuracy_m: 5, t: at.getTime() }, null, ist("08:00:00").getTime(), kolkata)).toBe(inside);
  });

  it("is not a work day on Sunday, whatever the time; the date is the org-local one", () => {
    expect(placeInWorkDay(ist("12:00:00", "2026-11-22"), kolkata)).toEqual({ date: "2026-11-22", inWorkHours: false });
    // 2026-11-20 19:00 UTC is already Saturday 00:30 in Kolkata.
    expect(placeInWorkDay(new Date("2026-11-20T19:00:00Z"), kolkata)).toEqual({ date: "2026-11-21", inWorkHours: false });
  });

  it("follows the zone's daylight saving change (Paris: 09:00 local is 07:00 UTC in summer, 08:00 UTC in winter)", () => {
    const paris = workHoursOf(plan, "Europe/Paris");
    expect(insideWorkHours(new Date("2026-07-01T07:00:00Z"), paris)).toBe(true);
    expect(insideWorkHours(new Date("2026-07-01T06:59:59.999Z"), paris)).toBe(false);
    expect(insideWorkHours(new Date("2026-12-01T07:59:59.999Z"), paris)).toBe(false);
    expect(insideWorkHours(new Date("2026-12-01T08:00:00Z"), paris)).toBe(true);
    expect(insideWorkHours(new Date("2026-12-01T18:00:00Z"), paris)).toBe(true); // 19:00 CET sharp
    expect(insideWorkHours(new Date("2026-12-01T18:00:30Z"), paris)).toBe(false);
  });

  it("a breadcrumb also needs the day opened before the fix and 60 s or 50 m since the last one", () => {
    const f = (hms: string, lat = 12.97) => ({ lat, lon: 77.59, accuracy_m: 5, t: ist(hms).getTime() });
    const opened = ist("10:00:00").getTime();
    expect(isBreadcrumb(f("09:59:59"), null, opened, kolkata)).toBe(false);
    expect(isBreadcrumb(f("10:00:30"), f("10:00:00"), opened, kolkata)).toBe(false);
    expect(isBreadcrumb(f("10:01:00"), f("10:00:00"), opened, kolkata)).toBe(true);
    expect(isBreadcrumb(f("10:00:30", 12.971), f("10:00:00"), opened, kolkata)).toBe(true); // ~111 m moved
    expect(isBreadcrumb(f("10:01:00"), null, opened, null)).toBe(false); // hours unknown: nothing recorded
  });
});

describe("capture window: one number for STALE_FIX, the selfie's capture fix and the phone's warning", () => {
  it("is two minutes everywhere", () => {
    expect(CAPTURE_WINDOW_MS).toBe(2 * 60_000);
    expect(STALE_AFTER_MS).toBe(CAPTURE_WINDOW_MS);
    expect(STALE_FIX_MS).toBe(CAPTURE_WINDOW_MS);
  });
});

describe("ping batch and gap caps: the phone's replay packs what the server's contract accepts", () => {
  const crumb = (i: number) => ({ client_id: randomUUID(), lat: 12.97, lon: 77.59, accuracy_m: 5, captured_at: new Date(Date.UTC(2026, 10, 20, 5, 0, i)).toISOString() });
  const gap = (i: number) => ({ from: new Date(Date.UTC(2026, 10, 20, 6, i, 0)).toISOString(), to: new Date(Date.UTC(2026, 10, 20, 6, i, 30)).toISOString(), cause: "hidden" as const });
  const T0 = new Date("2026-11-20T05:00:00Z");

  async function queued(items: { pings: number; gaps: number }[]) {
    const db = await openOfflineDb(`rules-${randomUUID()}`);
    let p = 0;
    let g = 0;
    for (const it of items) {
      const pings = Array.from({ length: it.pings }, () => crumb(p++ % 60));
      const gaps = Array.from({ length: it.gaps }, () => gap(g++ % 60));
      await enqueue(db, 1, { kind: "tracking.pings", body: { pings, ...(gaps.length ? { gaps } : {}) } }, T0);
    }
    return listItems(db);
  }
  /** Every run pingRun makes, as the one request body the replay sends for it. */
  const bodies = (items: Awaited<ReturnType<typeof queued>>) => {
    const out: { pings: unknown[]; gaps?: unknown[] }[] = [];
    for (let i = 0; i < items.length; ) {
      const run = pingRun(items, i);
      const pings = run.flatMap((r) => (r.kind === "tracking.pings" ? r.body.pings : []));
      const gaps = run.flatMap((r) => (r.kind === "tracking.pings" ? (r.body.gaps ?? []) : []));
      out.push({ pings, ...(gaps.length ? { gaps } : {}) });
      i += run.length;
    }
    return out;
  };

  it("packs pings up to the server's batch cap and never past it", async () => {
    const b = bodies(await queued([{ pings: 300, gaps: 0 }, { pings: 200, gaps: 0 }, { pings: 1, gaps: 0 }]));
    expect(b.map((x) => x.pings.length)).toEqual([500, 1]);
    for (const body of b) expect(recordPingsSchema.safeParse(body).success).toBe(true);
    // One more ping in the first request and the server refuses the batch: the cap is the same number.
    expect(recordPingsSchema.safeParse({ pings: [...b[0]!.pings, crumb(0)] }).success).toBe(false);
  });

  it("packs gaps up to the server's gap cap (the old replay sent 100 and silently dropped the rest)", async () => {
    const b = bodies(await queued([{ pings: 1, gaps: 60 }, { pings: 1, gaps: 40 }, { pings: 1, gaps: 1 }]));
    expect(b.map((x) => x.gaps?.length ?? 0)).toEqual([100, 1]);
    for (const body of b) expect(recordPingsSchema.safeParse(body).success).toBe(true);
    expect(recordPingsSchema.safeParse({ ...b[0], gaps: [...b[0]!.gaps!, gap(59)] }).success).toBe(false);
  });
});
