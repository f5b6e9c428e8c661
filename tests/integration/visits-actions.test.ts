import { sql } from "drizzle-orm";
import { afterEach, expect, it } from "vitest";
import { queryRows } from "../../src/server/db/client";
import { useDbHandle } from "../../src/server/db";
import { invokeAction } from "../../src/server/http/action";
import { checkInAction, checkOutAction, endSessionAction, startSessionAction } from "../../src/server/visits/visits.actions";
import { describeEachDriver } from "../support/db";
import { isoAgo, makeLocation, makePerson, uuid } from "../support/visits-world";

describeEachDriver("visits and sessions server actions (the dashboard's door to the same use-cases)", (ctx) => {
  afterEach(() => useDbHandle(undefined));

  it("start → check-in → check-out → end, and errors come back as data with their field", async () => {
    useDbHandle(ctx.handle);
    const db = ctx.handle.db;
    const manager = await makePerson(db, "manager");
    const loc = await makeLocation(db, 12.9, 77.6);
    const started = await invokeAction(startSessionAction.def, manager, { client_id: uuid() });
    expect(started).toMatchObject({ ok: true, data: { session: { personnel_id: manager.id, status: "OPEN" } } });
    const ci = await invokeAction(checkInAction.def, manager, { client_id: uuid(), location_id: loc, lat: 12.90001, lon: 77.6, accuracy_m: 5, captured_at: isoAgo(2_000) });
    if (!ci.ok) throw new Error(ci.error.message);
    expect(ci.data.validation.status).toBe("VALID");
    const bad = await invokeAction(checkOutAction.def, manager, { client_id: uuid(), visit_id: ci.data.visit.id, lat: 95, lon: 77.6, accuracy_m: 5, captured_at: isoAgo(1_000) });
    expect(bad).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED", field: "lat" } });
    const co = await invokeAction(checkOutAction.def, manager, { client_id: uuid(), visit_id: ci.data.visit.id, lat: 12.90001, lon: 77.6, accuracy_m: 5, captured_at: isoAgo(1_000) });
    expect(co).toMatchObject({ ok: true, data: { visit: { id: ci.data.visit.id, check_out_status: "VALID" } } });
    const ended = await invokeAction(endSessionAction.def, manager, { client_id: uuid() });
    expect(ended).toMatchObject({ ok: true, data: { session: { status: "CLOSED", total_visits: 1 } } });
    const types = await queryRows<{ type: string }>(db, sql`SELECT type FROM events WHERE personnel_id = ${manager.id} ORDER BY id`);
    expect(types.map((t) => t.type)).toEqual(["session.started", "visit.checked_in", "visit.checked_out", "session.ended"]);
    expect(await invokeAction(checkInAction.def, null, {})).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
  });
});
