/** POST /api/v1/tracking/pings and recordPings: what is stored, what is refused, replays and concurrency. */
import { sql } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST } from "../../src/app/api/v1/tracking/pings/route";
import { issueAccessToken } from "../../src/server/auth/tokens";
import { useDbHandle } from "../../src/server/db";
import { queryRows } from "../../src/server/db/client";
import { recomputeSessionTravel } from "../../src/server/tracking/compute-travel";
import { recordPings } from "../../src/server/tracking/record-pings";
import { describeEachDriver } from "../support/db";
import { TEST_NOW_HEADER } from "../../src/server/http/request-clock";
import { workHoursOf } from "../../src/contracts/field-rules";
import { isBreadcrumb } from "../../src/components/rep/use-location";
import { readDayPlan } from "../../src/server/plans/day-plan";
import { count, makePeople, openDay, ping, setOrgHours, type People } from "./tracking-support";

// Kolkata work day 09:00–19:00 (03:30–13:30 UTC), Monday–Saturday. 2026-11-20 is a Friday.
const NOW = new Date("2026-11-20T15:00:00Z"); // 20:30 IST, after the work day
const at = (hhmm: string, date = "2026-11-20") => new Date(`${date}T${hhmm}:00+05:30`);

describeEachDriver("tracking pings", (ctx) => {
  let people: People;
  let sessionId: number;
  const db = () => ctx.handle.db;
  const rec = (pings: ReturnType<typeof ping>[], extra: { gaps?: { from: string; to: string; cause: "hidden" | "offline" | "permission_denied" | "no_fix" }[] } = {}) =>
    recordPings({ db: db(), actor: people.rep, now: NOW }, { pings, ...extra });

  beforeAll(async () => {
    people = await makePeople(db());
    await setOrgHours(db(), { timeZone: "Asia/Kolkata", start: "09:00", end: "19:00", days: [1, 2, 3, 4, 5, 6] });
    sessionId = await openDay(db(), people.rep.id, "2026-11-20", at("09:00"));
  });

  it("stores fixes of the open day inside work hours, and one outbox event with the newest position", async () => {
    const events0 = await count(db(), "events", sql`type = 'tracking.pings'`);
    const batch = [ping(at("10:00"), 12.97, 77.59), ping(at("10:01"), 12.971, 77.591)];
    // The day opened at 09:00 and the first fix is from 10:00: that hour is a gap (cause unknown).
    expect(await rec(batch)).toEqual({ accepted: 2, duplicates: 0, rejected: [], gaps_recorded: 1 });
    expect(await count(db(), "location_pings", sql`session_id = ${sessionId}`)).toBe(2);
    const [ev] = await queryRows<{ payload: { accepted: number; position: { lat: number; lon: number; captured_at: string } } }>(
      db(),
      sql`SELECT payload FROM events WHERE type = 'tracking.pings' ORDER BY id DESC LIMIT 1`,
    );
    expect(await count(db(), "events", sql`type = 'tracking.pings'`)).toBe(events0 + 1);
    expect(ev!.payload).toMatchObject({ accepted: 2, position: { lat: 12.971, lon: 77.591, captured_at: at("10:01").toISOString() } });
  });

  it("answers and drops fixes outside work hours, on days not opened, too old or from the future", async () => {
    const before = await count(db(), "location_pings");
    const events0 = await count(db(), "events");
    const early = ping(at("08:30")); // before 09:00 IST
    const late = ping(at("19:30"));
    const sunday = ping(at("11:00", "2026-11-15"));
    const notOpened = ping(at("11:00", "2026-11-19")); // Thursday, inside hours, but no day started
    const future = ping(new Date(NOW.getTime() + 3 * 60_000));
    const old = ping(new Date(NOW.getTime() - 8 * 24 * 3600_000));
    const r = await rec([early, late, sunday, notOpened, future, old]);
    expect(r.accepted).toBe(0);
    expect(r.rejected).toEqual([
      { client_id: early.client_id, reason: "outside_work_hours" },
      { client_id: late.client_id, reason: "outside_work_hours" },
      { client_id: sunday.client_id, reason: "outside_work_hours" },
      { client_id: future.client_id, reason: "future_timestamp" },
      { client_id: old.client_id, reason: "too_old" },
      { client_id: notOpened.client_id, reason: "no_open_day" },
    ]);
    expect(await count(db(), "location_pings")).toBe(before);
    expect(await count(db(), "events")).toBe(events0); // nothing accepted, no event
  });

  it("judges the end of work hours like the phone does: 19:00:00 is inside, 19:00:00.001 and 19:00:30 are not", async () => {
    // The phone's rule, from the day plan the server hands it (the same settings the server judges with).
    const plan = await readDayPlan(db(), people.rep.id, "2026-11-20", "Asia/Kolkata");
    const phoneHours = workHoursOf(plan.work_hours, plan.time_zone);
    const instants = ["18:59:59.999", "19:00:00.000", "19:00:00.001", "19:00:30.000", "09:00:00.000", "08:59:59.999"].map((t) => new Date(`2026-11-20T${t}+05:30`));
    const pings = instants.map((t) => ping(t));
    const r = await rec(pings);
    const refused = new Set(r.rejected.filter((x) => x.reason === "outside_work_hours").map((x) => x.client_id));
    const server = pings.map((p) => !refused.has(p.client_id));
    const phone = instants.map((t) => isBreadcrumb({ lat: 12.97, lon: 77.59, accuracy_m: 5, t: t.getTime() }, null, at("08:00").getTime(), phoneHours));
    expect(server).toEqual([true, true, false, false, true, false]);
    expect(phone).toEqual(server);
    expect(r.rejected.filter((x) => x.reason !== "outside_work_hours")).toEqual([]);
    expect(r.accepted).toBe(3);
  });

  it("refuses fixes on a closed day and before the day started", async () => {
    await openDay(db(), people.rep.id, "2026-11-18", at("09:00", "2026-11-18"), "CLOSED");
    await openDay(db(), people.otherRep.id, "2026-11-20", at("12:00"));
    const closed = ping(at("11:00", "2026-11-18"));
    const r1 = await rec([closed]);
    expect(r1.rejected).toEqual([{ client_id: closed.client_id, reason: "no_open_day" }]);
    const beforeStart = ping(at("11:00"));
    const r2 = await recordPings({ db: db(), actor: people.otherRep, now: NOW }, { pings: [beforeStart] });
    expect(r2.rejected).toEqual([{ client_id: beforeStart.client_id, reason: "before_day_start" }]);
    expect(await count(db(), "location_pings", sql`client_id IN (${closed.client_id}, ${beforeStart.client_id})`)).toBe(0);
  });

  it("counts replays as duplicates and stores each client_id once", async () => {
    const a = ping(at("11:00"));
    const b = ping(at("11:01"));
    expect(await rec([a, b, { ...a }])).toMatchObject({ accepted: 2, duplicates: 1, rejected: [] });
    expect(await rec([a, b])).toMatchObject({ accepted: 0, duplicates: 2, rejected: [] });
    // Same id in upper case is the same fix.
    expect(await rec([{ ...a, client_id: a.client_id.toUpperCase() }])).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await count(db(), "location_pings", sql`client_id IN (${a.client_id}, ${b.client_id})`)).toBe(2);
  });

  it("detects gaps over 5 minutes with the client's cause, idempotently", async () => {
    const rep = people.otherRep; // their day opened at 12:00
    const pings = [ping(at("12:01")), ping(at("12:03")), ping(at("12:20")), ping(at("12:21")), ping(at("12:40"))];
    const gaps = [{ from: at("12:04").toISOString(), to: at("12:19").toISOString(), cause: "hidden" as const }];
    const r = await recordPings({ db: db(), actor: rep, now: NOW }, { pings, gaps });
    expect(r.gaps_recorded).toBe(2);
    const rows = () =>
      queryRows<{ started_at: Date; ended_at: Date; cause: string }>(db(), sql`SELECT started_at, ended_at, cause FROM tracking_gaps WHERE personnel_id = ${rep.id} ORDER BY started_at`);
    const first = await rows();
    expect(first.map((g) => [new Date(g.started_at).toISOString(), new Date(g.ended_at).toISOString(), g.cause])).toEqual([
      [at("12:03").toISOString(), at("12:20").toISOString(), "hidden"],
      [at("12:21").toISOString(), at("12:40").toISOString(), "unknown"],
    ]);
    // A replay changes nothing; a late fix at 12:30 splits the second gap, and the client now knows why.
    expect((await recordPings({ db: db(), actor: rep, now: NOW }, { pings, gaps })).gaps_recorded).toBe(0);
    const late = { from: at("12:22").toISOString(), to: at("12:29").toISOString(), cause: "offline" as const };
    const r2 = await recordPings({ db: db(), actor: rep, now: NOW }, { pings: [ping(at("12:30"))], gaps: [late] });
    expect(r2.gaps_recorded).toBe(1);
    expect((await rows()).map((g) => [new Date(g.started_at).toISOString(), new Date(g.ended_at).toISOString(), g.cause])).toEqual([
      [at("12:03").toISOString(), at("12:20").toISOString(), "hidden"],
      [at("12:21").toISOString(), at("12:30").toISOString(), "offline"],
      [at("12:30").toISOString(), at("12:40").toISOString(), "unknown"],
    ]);
  });

  it("a gap between the day's start and the first fix counts too", async () => {
    const rep = people.manager; // managers carry the app in the field as well
    await openDay(db(), rep.id, "2026-11-20", at("09:00"));
    const r = await recordPings({ db: db(), actor: rep, now: NOW }, { pings: [ping(at("09:30"))] });
    expect(r).toMatchObject({ accepted: 1, gaps_recorded: 1 });
    expect(await count(db(), "tracking_gaps", sql`personnel_id = ${rep.id} AND cause = 'unknown'`)).toBe(1);
  });

  it("ending the day (recomputeSessionTravel after the session closed) records the gap up to the end", async () => {
    const rep = people.otherManager;
    const id = await openDay(db(), rep.id, "2026-11-20", at("09:00"));
    await recordPings({ db: db(), actor: rep, now: NOW }, { pings: [ping(at("09:01"), 12.97, 77.59), ping(at("09:02"), 12.971, 77.59)] });
    await db().execute(sql`UPDATE daily_sessions SET status = 'CLOSED', logout_time = ${at("09:40").toISOString()} WHERE id = ${id}`);
    for (let k = 0; k < 2; k++) {
      // Twice: idempotent.
      expect((await recomputeSessionTravel(db(), id)).total_travel_km).toBe(0.11);
      const gaps = await queryRows<{ started_at: Date; ended_at: Date }>(db(), sql`SELECT started_at, ended_at FROM tracking_gaps WHERE session_id = ${id}`);
      expect(gaps.map((g) => [new Date(g.started_at).toISOString(), new Date(g.ended_at).toISOString()])).toEqual([[at("09:02").toISOString(), at("09:40").toISOString()]]);
    }
  });

  it("refuses an admin (no tracking.write) with 403", async () => {
    await expect(recordPings({ db: db(), actor: people.admin, now: NOW }, { pings: [ping(at("10:00"))] })).rejects.toMatchObject({ status: 403 });
  });
});

describeEachDriver("POST /api/v1/tracking/pings (HTTP)", (ctx) => {
  let people: People;
  let token: string;
  const db = () => ctx.handle.db;
  // The route runs on the request clock (X-Fieldbeat-Test-Now), not the wall clock: it used to, and the last minute
  // of every UTC day (after the 23:59 work-day end) refused every fix, at any hour the outcome was the clock's.
  const CLOCK = new Date("2026-11-20T10:00:00Z"); // a Friday, 15:30 in Kolkata
  const post = (body: string, contentType = "application/json") =>
    POST(
      new Request("http://localhost/api/v1/tracking/pings", {
        method: "POST",
        headers: { "content-type": contentType, authorization: `Bearer ${token}`, [TEST_NOW_HEADER]: CLOCK.toISOString() },
        body,
      }),
      { params: Promise.resolve({}) },
    );
  const now = () => new Date(CLOCK.getTime() - 60_000);

  beforeAll(async () => {
    people = await makePeople(db());
    await setOrgHours(db(), { timeZone: "Asia/Kolkata", start: "09:00", end: "19:00", days: [1, 2, 3, 4, 5, 6] });
    await openDay(db(), people.rep.id, "2026-11-20", new Date("2026-11-20T09:00:00+05:30"));
    token = await issueAccessToken(people.rep.id, CLOCK);
  });
  beforeEach(() => useDbHandle(ctx.handle));
  afterEach(() => useDbHandle(undefined));

  it("accepts a batch (200 with the per-ping verdict)", async () => {
    const res = await post(JSON.stringify({ pings: [ping(now()), ping(now())] }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 2, duplicates: 0, rejected: [] });
  });

  it("answers 413 BATCH_TOO_LARGE for more than 500 pings and writes nothing", async () => {
    const before = await count(db(), "location_pings");
    const res = await post(JSON.stringify({ pings: Array.from({ length: 501 }, () => ping(now())) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "BATCH_TOO_LARGE", field: "pings" } });
    expect(await count(db(), "location_pings")).toBe(before);
    // Exactly 500 is fine.
    expect((await post(JSON.stringify({ pings: Array.from({ length: 500 }, () => ping(now())) }))).status).toBe(200);
  });

  it("stores a batch sent 10 times concurrently once", async () => {
    const body = JSON.stringify({ pings: Array.from({ length: 20 }, () => ping(now())) });
    const results = await Promise.all(Array.from({ length: 10 }, () => post(body).then(async (r) => ({ status: r.status, body: await r.json() }))));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.reduce((n, r) => n + r.body.accepted, 0)).toBe(20);
    expect(results.reduce((n, r) => n + r.body.duplicates, 0)).toBe(9 * 20);
    const ids = (JSON.parse(body) as { pings: { client_id: string }[] }).pings.map((p) => p.client_id);
    expect(await count(db(), "location_pings", sql`client_id = ANY(${`{${ids.join(",")}}`}::uuid[])`)).toBe(20);
  });

  describe("bad input: 400/415 with the field, nothing written", () => {
    const good = () => ping(now());
    const cases: [string, () => string, number, string, string | undefined][] = [
      ["malformed JSON", () => "{ pings: [", 400, "INVALID_JSON", undefined],
      ["no pings", () => JSON.stringify({}), 400, "VALIDATION_FAILED", "pings"],
      ["empty batch", () => JSON.stringify({ pings: [] }), 400, "VALIDATION_FAILED", "pings"],
      ["lat as a string", () => JSON.stringify({ pings: [{ ...good(), lat: "12.9" }] }), 400, "VALIDATION_FAILED", "pings.0.lat"],
      ["lat NaN (null in JSON)", () => JSON.stringify({ pings: [{ ...good(), lat: NaN }] }), 400, "VALIDATION_FAILED", "pings.0.lat"],
      ["lat 91", () => JSON.stringify({ pings: [good(), { ...good(), lat: 91 }] }), 400, "VALIDATION_FAILED", "pings.1.lat"],
      ["lon -180.5", () => JSON.stringify({ pings: [{ ...good(), lon: -180.5 }] }), 400, "VALIDATION_FAILED", "pings.0.lon"],
      ["lon 1e999 (Infinity)", () => JSON.stringify({ pings: [{ ...good(), lon: 0 }] }).replace('"lon":0', '"lon":1e999'), 400, "VALIDATION_FAILED", "pings.0.lon"],
      ["negative accuracy", () => JSON.stringify({ pings: [{ ...good(), accuracy_m: -1 }] }), 400, "VALIDATION_FAILED", "pings.0.accuracy_m"],
      ["missing captured_at", () => JSON.stringify({ pings: [{ ...good(), captured_at: undefined }] }), 400, "VALIDATION_FAILED", "pings.0.captured_at"],
      ["captured_at without zone", () => JSON.stringify({ pings: [{ ...good(), captured_at: "2026-11-20T10:00:00" }] }), 400, "VALIDATION_FAILED", "pings.0.captured_at"],
      ["client_id not a uuid", () => JSON.stringify({ pings: [{ ...good(), client_id: "abc" }] }), 400, "VALIDATION_FAILED", "pings.0.client_id"],
      ["unknown source", () => JSON.stringify({ pings: [{ ...good(), source: "satellite" }] }), 400, "VALIDATION_FAILED", "pings.0.source"],
      ["unknown field", () => JSON.stringify({ pings: [{ ...good(), altitude: 3 }] }), 400, "VALIDATION_FAILED", "pings.0"],
      ["gap cause unknown", () => JSON.stringify({ pings: [good()], gaps: [{ from: now().toISOString(), to: CLOCK.toISOString(), cause: "bored" }] }), 400, "VALIDATION_FAILED", "gaps.0.cause"],
    ];
    it.each(cases)("%s", async (_name, body, status, code, field) => {
      const before = await count(db(), "location_pings");
      const res = await post(body());
      expect(res.status).toBe(status);
      const json = await res.json();
      expect(json.error.code).toBe(code);
      if (field) expect(json.error.field).toBe(field);
      expect(await count(db(), "location_pings")).toBe(before);
    });

    it("wrong content type → 415", async () => {
      const res = await post(JSON.stringify({ pings: [good()] }), "text/plain");
      expect(res.status).toBe(415);
      expect((await res.json()).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    });
  });

  it("without a token → 401", async () => {
    const res = await POST(new Request("http://localhost/api/v1/tracking/pings", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pings: [ping(now())] }) }), {
      params: Promise.resolve({}),
    });
    expect(res.status).toBe(401);
  });
});

