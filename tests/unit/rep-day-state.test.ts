/** The rep app rebuilds its day from the server: an open visit it does not know is adopted; one closed for the rep is closed here too. */
import { describe, expect, it } from "vitest";
import type { TodaySessionResponse } from "../../src/contracts/sessions";
import type { QueueItem } from "../../src/lib/offline/queue-types";
import { dayState } from "../../src/components/rep/rep-store";
import { placeOfOpenVisit } from "../../src/components/rep/stops";

const place = { id: 7, name: "Sharma Stores", address: null, lat: 12.97, lon: 77.59, geofence_radius: 50 };
const server = (open: TodaySessionResponse["open_visit"]): TodaySessionResponse => ({ session: null, session_date: "2026-12-05", open_visit: open });
const checkIn = (clientId: string, status: QueueItem["status"], doneAt: string | null): QueueItem => ({
  kind: "visit.check_in",
  body: { client_id: clientId, location_id: 7, lat: 12.97, lon: 77.59, accuracy_m: 5, captured_at: "2026-12-05T05:00:00.000Z" },
  location_name: "Sharma Stores",
  seq: 1,
  owner: 1,
  client_id: clientId,
  status,
  created_at: "2026-12-05T05:00:00.000Z",
  attempts: 1,
  next_attempt_at: null,
  last_attempt_at: null,
  done_at: doneAt,
  error: null,
  result: status === "done" ? { visit: { id: 41 } } : null,
});

describe("dayState from the server", () => {
  it("adopts a server-side open visit unknown on this phone (fresh profile): started, open, its place and visit id known", () => {
    const day = dayState([], server({ id: 99, client_id: "c-99", check_in_time: "2026-12-05T04:00:00.000Z", location: place }), "2026-12-05", Date.parse("2026-12-05T06:00:00Z"));
    expect(day.started).toBe(true);
    expect(day.openVisit?.client_id).toBe("c-99");
    expect(day.openVisit?.seq).toBeUndefined();
    expect(day.openVisit?.result).toEqual({ visit: { id: 99 } });
    expect(placeOfOpenVisit(day.openVisit, [])).toEqual(place);
  });

  it("a check-in sent before the server was asked, and not open there, was closed for the rep (manager or end-of-day job)", () => {
    const day = dayState([checkIn("c-1", "done", "2026-12-05T05:00:01.000Z")], server(null), "2026-12-05", Date.parse("2026-12-05T06:00:00Z"));
    expect(day.openVisit).toBeNull();
    expect([...day.closedElsewhere]).toEqual(["c-1"]);
  });

  it("keeps a check-in the server has not seen yet (queued, or acknowledged after the server was asked) open", () => {
    expect(dayState([checkIn("c-2", "pending", null)], server(null), "2026-12-05", Date.parse("2026-12-05T06:00:00Z")).openVisit?.client_id).toBe("c-2");
    expect(dayState([checkIn("c-3", "done", "2026-12-05T06:00:05.000Z")], server(null), "2026-12-05", Date.parse("2026-12-05T06:00:00Z")).openVisit?.client_id).toBe("c-3");
  });

  it("an adopted visit this phone checked out stays on the phone with its check-out once the server no longer lists it open", () => {
    const adopted = { id: 99, client_id: "c-99", check_in_time: "2026-12-05T04:00:00.000Z", location: place };
    const out: QueueItem = {
      kind: "visit.check_out",
      body: { client_id: "o-1", lat: 12.97, lon: 77.59, accuracy_m: 5, captured_at: "2026-12-05T05:30:00.000Z" },
      check_in_client_id: "c-99",
      location_name: "Sharma Stores",
      visit_id: 99,
      server_visit: adopted,
      seq: 2,
      owner: 1,
      client_id: "o-1",
      status: "done",
      created_at: "2026-12-05T05:30:00.000Z",
      attempts: 1,
      next_attempt_at: null,
      last_attempt_at: null,
      done_at: "2026-12-05T05:30:01.000Z",
      error: null,
      result: { visit: { id: 99 } },
    };
    // After the check-out the server says no visit is open: the phone still knows where it checked in and out.
    const day = dayState([out], server(null), "2026-12-05", Date.parse("2026-12-05T06:00:00Z"));
    expect(day.openVisit).toBeNull();
    expect(day.checkIns.map((c) => c.client_id)).toEqual(["c-99"]);
    expect(day.checkIns[0]).toMatchObject({ body: { location_id: 7 }, result: { visit: { id: 99 } } });
    expect(day.closedElsewhere.size).toBe(0);
  });
});

