/** GET /api/v1/tracking/trail: a day's fixes (kept or filtered out) and gaps, scoped, and audited when not one's own. */
import { sql } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { GET } from "../../src/app/api/v1/tracking/trail/route";
import { issueAccessToken } from "../../src/server/auth/tokens";
import { useDbHandle } from "../../src/server/db";
import { recordPings } from "../../src/server/tracking/record-pings";
import { describeEachDriver } from "../support/db";
import { count, makePeople, openDay, ping, setOrgHours, type People } from "./tracking-support";

const DATE = "2026-11-20";
const at = (hhmm: string) => new Date(`${DATE}T${hhmm}:00+05:30`);

describeEachDriver("GET /api/v1/tracking/trail", (ctx) => {
  let people: People;
  const db = () => ctx.handle.db;
  const get = async (who: keyof People, query: string) => {
    const token = await issueAccessToken(people[who].id, new Date());
    const res = await GET(new Request(`http://localhost/api/v1/tracking/trail?${query}`, { headers: { authorization: `Bearer ${token}`, "user-agent": "vitest" } }), {
      params: Promise.resolve({}),
    });
    return { status: res.status, body: await res.json() };
  };
  const audits = () => count(db(), "audit_log", sql`action = 'trail.viewed'`);

  beforeAll(async () => {
    people = await makePeople(db());
    await setOrgHours(db(), { timeZone: "Asia/Kolkata", start: "09:00", end: "19:00", days: [1, 2, 3, 4, 5, 6] });
    await openDay(db(), people.rep.id, DATE, at("09:00"));
    const now = new Date(`${DATE}T15:00:00Z`);
    // A move of ~111 m, then jitter of ~1 m (dropped by the filter), then a network fix (dropped), then a 10 min gap.
    await recordPings(
      { db: db(), actor: people.rep, now },
      {
        pings: [
          ping(at("09:01"), 12.97, 77.59),
          ping(at("09:02"), 12.971, 77.59),
          ping(at("09:03"), 12.97101, 77.59),
          ping(at("09:04"), 12.99, 77.59, { source: "network" }),
          ping(at("09:14"), 12.971, 77.59),
        ],
        gaps: [{ from: at("09:05").toISOString(), to: at("09:13").toISOString(), cause: "permission_denied" }],
      },
    );
  });
  beforeEach(() => useDbHandle(ctx.handle));
  afterEach(() => useDbHandle(undefined));

  it("the rep sees their own day (no audit row), with kept flags and gaps", async () => {
    const before = await audits();
    const { status, body } = await get("rep", `personnel_id=${people.rep.id}&date=${DATE}`);
    expect(status).toBe(200);
    expect(body.pings.map((p: { kept: boolean; source: string | null }) => [p.kept, p.source])).toEqual([
      [true, null],
      [true, null],
      [false, null],
      [false, "network"],
      [false, null],
    ]);
    expect(body.travel.kept_points).toBe(2);
    expect(body.travel.filtered_m).toBeGreaterThan(110);
    expect(body.travel.filtered_m).toBeLessThan(112);
    expect(body.session.total_travel_km).toBe(0.11);
    expect(body.gaps).toEqual([{ started_at: at("09:04").toISOString(), ended_at: at("09:14").toISOString(), duration_s: 600, cause: "permission_denied" }]);
    expect(body.pings[0]).toMatchObject({ lat: 12.97, lon: 77.59, accuracy_m: 5, captured_at: at("09:01").toISOString() });
    expect(await audits()).toBe(before);
  });

  it("their manager sees it, and the viewing is audit-logged", async () => {
    const before = await audits();
    const { status, body } = await get("manager", `personnel_id=${people.rep.id}&date=${DATE}`);
    expect(status).toBe(200);
    expect(body.pings).toHaveLength(5);
    expect(await audits()).toBe(before + 1);
    expect(await count(db(), "audit_log", sql`action = 'trail.viewed' AND actor_id = ${people.manager.id} AND target_personnel_id = ${people.rep.id}`)).toBe(1);
  });

  it("an admin sees everyone (audited)", async () => {
    const before = await audits();
    expect((await get("admin", `personnel_id=${people.rep.id}&date=${DATE}`)).status).toBe(200);
    expect(await audits()).toBe(before + 1);
  });

  it("another team's manager and another rep get 404, and nothing is logged as viewed", async () => {
    const before = await audits();
    for (const who of ["otherManager", "otherRep"] as const) {
      const { status, body } = await get(who, `personnel_id=${people.rep.id}&date=${DATE}`);
      expect(status).toBe(404);
      expect(body.error.code).toBe("NOT_FOUND");
    }
    expect((await get("manager", `personnel_id=999999&date=${DATE}`)).status).toBe(404);
    expect(await audits()).toBe(before);
  });

  it("a day without a session is empty; bad queries are 400 with the field", async () => {
    const { body } = await get("rep", `date=2026-11-19`);
    expect(body).toMatchObject({ personnel_id: people.rep.id, date: "2026-11-19", session: null, pings: [], gaps: [] });
    expect((await get("rep", "date=20-11-2026")).body.error).toMatchObject({ code: "VALIDATION_FAILED", field: "date" });
    expect((await get("rep", "personnel_id=abc")).body.error).toMatchObject({ code: "VALIDATION_FAILED", field: "personnel_id" });
    expect((await get("rep", "colour=red")).status).toBe(400);
  });
});
