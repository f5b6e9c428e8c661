/**
 * The manager's Visit evidence: the review use-case through its route and its server action (one use-case), the
 * evidence read behind /manager/visits/[id], and NO_SELFIE at check-out when the location type requires a selfie.
 */
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { POST as reviewRoute } from "../../src/app/api/v1/visits/[id]/review/route";
import { POST as selfieRoute } from "../../src/app/api/v1/visits/[id]/selfie/route";
import { queryRows } from "../../src/server/db/client";
import { invokeAction } from "../../src/server/http/action";
import { checkIn } from "../../src/server/visits/check-in";
import { checkOut } from "../../src/server/visits/check-out";
import { getVisitEvidence } from "../../src/server/visits/visit-evidence.queries";
import { reviewVisitAction } from "../../src/server/visits/visits.actions";
import { describeEachDriver } from "../support/db";
import { canvasJpeg, postSelfie, selfieForm, selfieMeta, setUpPhotoWorld } from "../support/photos-world";
import { call, ctxFor, makeLocation, makePerson, uuid } from "../support/visits-world";

describeEachDriver("visit evidence and manual review", (ctx) => {
  setUpPhotoWorld(ctx);

  async function team() {
    const db = ctx.handle.db;
    const manager = await makePerson(db, "manager");
    const rep = await makePerson(db, "rep", manager.id);
    const loc = await makeLocation(db, 12.97, 77.59);
    const { body } = await checkIn(ctxFor(db, rep), { client_id: uuid(), location_id: loc, lat: 12.97, lon: 77.59, accuracy_m: 8, captured_at: new Date().toISOString() });
    return { manager, rep, loc, visitId: body.visit.id };
  }

  it("a manager approves through the route, rejects through the action: MANUAL rows, audit rows, validated follows the latest; replays write once", async () => {
    const db = ctx.handle.db;
    const { manager, visitId } = await team();
    const clientId = uuid();
    const approve = await call(reviewRoute, `/api/v1/visits/${visitId}/review`, { as: manager.id, params: { id: String(visitId) }, body: { client_id: clientId, decision: "APPROVED", comment: "Selfie and fix agree." } });
    expect(approve.status).toBe(200);
    expect(approve.body).toMatchObject({ visit_id: visitId, decision: "APPROVED", comment: "Selfie and fix agree.", reviewer_id: manager.id });
    const replay = await call(reviewRoute, `/api/v1/visits/${visitId}/review`, { as: manager.id, params: { id: String(visitId) }, body: { client_id: clientId, decision: "APPROVED", comment: "Selfie and fix agree." } });
    expect(replay.body).toEqual(approve.body);

    const noComment = await invokeAction(reviewVisitAction.def, manager, { client_id: uuid(), visit_id: visitId, decision: "REJECTED", comment: "  " });
    expect(noComment).toMatchObject({ ok: false, status: 400, error: { field: "comment" } });
    const reject = await invokeAction(reviewVisitAction.def, manager, { client_id: uuid(), visit_id: visitId, decision: "REJECTED", comment: "The shop was closed that day." });
    expect(reject.ok).toBe(true);

    const rows = await queryRows<{ is_valid: boolean; decision: string }>(db, sql`SELECT is_valid, validation_details->>'decision' AS decision FROM location_validations WHERE visit_id = ${visitId} AND validation_type = 'MANUAL' ORDER BY id`);
    expect(rows).toEqual([{ is_valid: true, decision: "APPROVED" }, { is_valid: false, decision: "REJECTED" }]);
    const [v] = await queryRows<{ validated: boolean; validation_status: string }>(db, sql`SELECT validated, validation_status FROM visits WHERE id = ${visitId}`);
    expect(v).toEqual({ validated: false, validation_status: "VALID" });
    const audit = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'visit.reviewed' AND subject_id = ${String(visitId)}`);
    expect(audit[0]!.n).toBe(2);

    const ev = await getVisitEvidence(ctxFor(db, manager), visitId);
    expect(ev.reviews.map((r) => r.decision)).toEqual(["REJECTED", "APPROVED"]);
    expect(ev.photo).toBeNull();
  });

  it("another team's manager gets 404, a rep 403, and nobody reviews their own visit", async () => {
    const db = ctx.handle.db;
    const { rep, visitId } = await team();
    const outsider = await makePerson(db, "manager");
    const body = { client_id: uuid(), decision: "APPROVED", comment: "" };
    expect((await call(reviewRoute, `/api/v1/visits/${visitId}/review`, { as: outsider.id, params: { id: String(visitId) }, body })).status).toBe(404);
    expect((await call(reviewRoute, `/api/v1/visits/${visitId}/review`, { as: rep.id, params: { id: String(visitId) }, body: { ...body, client_id: uuid() } })).status).toBe(403);
    const own = await team();
    const ownVisit = await checkIn(ctxFor(db, own.manager), { client_id: uuid(), location_id: own.loc, lat: 12.97, lon: 77.59, accuracy_m: 8, captured_at: new Date().toISOString() });
    const self = await invokeAction(reviewVisitAction.def, own.manager, { client_id: uuid(), visit_id: ownVisit.body.visit.id, decision: "APPROVED" });
    expect(self).toMatchObject({ ok: false, status: 403, error: { code: "SELF_REVIEW" } });
  });

  it("the evidence read signs the photo's URLs for the manager; NO_SELFIE at check-out when required, cleared by a late selfie", async () => {
    const db = ctx.handle.db;
    const { manager, rep, visitId } = await team();
    await db.execute(sql`UPDATE org_settings SET selfie_required_types = '{*}' WHERE id = 1`);
    try {
      const out = await checkOut(ctxFor(db, rep), { client_id: uuid(), visit_id: visitId, lat: 12.97, lon: 77.59, accuracy_m: 8, captured_at: new Date().toISOString() });
      expect(out.visit.flags).toEqual(["NO_SELFIE"]);
      expect(out.visit.evidence_score).toBe(80);
      expect((await getVisitEvidence(ctxFor(db, manager), visitId)).selfie_required).toBe(true);

      // Just checked out: the offline queue may still deliver the selfie, which clears NO_SELFIE and restores the score.
      const up = await postSelfie(selfieRoute, visitId, rep.id, selfieForm(await canvasJpeg(), selfieMeta({ capture_fix: { lat: 12.97, lon: 77.59 } })));
      expect(up.status).toBe(201);
      expect(up.body.visit_flags).toEqual(["NO_PHOTO_GPS"]);
      expect(up.body.evidence_score).toBe(100);
      const ev = await getVisitEvidence(ctxFor(db, manager), visitId);
      expect(ev.photo).toMatchObject({ source: "camera", validation: { flags: ["NO_PHOTO_GPS"] } });
      expect(ev.photo!.thumb_url).toMatch(/^\/api\/v1\/files\/visits\/\d+\/.+-thumb\.jpg\?exp=\d+&sig=/);
      expect(ev.photo).not.toHaveProperty("original_key");
    } finally {
      await db.execute(sql`UPDATE org_settings SET selfie_required_types = '{}' WHERE id = 1`);
    }
  });
});
