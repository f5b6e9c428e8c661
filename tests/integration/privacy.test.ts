/**
 * Privacy self-service (issue #18.5): a rep sees who viewed their trail; an admin exports one person's data and
 * anonymises a leaver (identity and photos gone, sign-in disabled, visits kept), both audited, idempotent, admin only.
 */
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { POST as anonymiseRoute } from "../../src/app/api/v1/personnel/[id]/anonymise/route";
import { GET as exportRoute } from "../../src/app/api/v1/personnel/[id]/export/route";
import { POST as selfieRoute } from "../../src/app/api/v1/visits/[id]/selfie/route";
import { queryRows } from "../../src/server/db/client";
import { listMyTrailViews } from "../../src/server/privacy/privacy";
import { getTrail } from "../../src/server/tracking/tracking.queries";
import { checkIn } from "../../src/server/visits/check-in";
import { describeEachDriver } from "../support/db";
import { canvasJpeg, postSelfie, selfieForm, selfieMeta, setUpPhotoWorld } from "../support/photos-world";
import { call, ctxFor, makeLocation, makePerson, uuid } from "../support/visits-world";

describeEachDriver("privacy: trail views, export, anonymise", (ctx) => {
  const world = setUpPhotoWorld(ctx);

  it("a rep sees who viewed their trail and when (their own look is not listed); nobody else's views", async () => {
    const db = ctx.handle.db;
    const manager = await makePerson(db, "manager");
    const rep = await makePerson(db, "rep", manager.id);
    const other = await makePerson(db, "rep", manager.id);
    expect(await listMyTrailViews(ctxFor(db, rep))).toEqual([]);
    const at = new Date("2026-03-10T06:00:00Z");
    await getTrail(ctxFor(db, manager, at), { personnel_id: rep.id, date: "2026-03-10" });
    await getTrail(ctxFor(db, rep), { personnel_id: rep.id, date: "2026-03-10" });
    await getTrail(ctxFor(db, manager), { personnel_id: other.id, date: "2026-03-10" });
    expect(await listMyTrailViews(ctxFor(db, rep))).toEqual([{ at: at.toISOString(), viewer_name: manager.name, viewer_role: "manager", date: "2026-03-10" }]);
  });

  it("an admin exports one person's data as JSON (profile, sessions, visits, pings, audit), audited; others are refused", async () => {
    const db = ctx.handle.db;
    const admin = await makePerson(db, "admin");
    const manager = await makePerson(db, "manager");
    const rep = await makePerson(db, "rep", manager.id);
    const loc = await makeLocation(db, 12.91, 77.51);
    await checkIn(ctxFor(db, rep), { client_id: uuid(), location_id: loc, lat: 12.91, lon: 77.51, accuracy_m: 8, captured_at: new Date().toISOString() });
    const params = { id: String(rep.id) };
    for (const who of [rep.id, manager.id]) expect((await call(exportRoute, `/api/v1/personnel/${rep.id}/export`, { as: who, params })).status).toBe(403);
    expect((await call(exportRoute, `/api/v1/personnel/999999/export`, { as: admin.id, params: { id: "999999" } })).status).toBe(404);
    const res = await call(exportRoute, `/api/v1/personnel/${rep.id}/export`, { as: admin.id, params });
    expect(res.status).toBe(200);
    expect(res.body.profile).toMatchObject({ id: rep.id, name: rep.name, email: rep.email, role: "rep" });
    expect(res.body.profile).not.toHaveProperty("password_hash");
    expect(Array.isArray(res.body.sessions)).toBe(true);
    expect(res.body.visits).toHaveLength(1);
    expect(res.body.visits[0]).toMatchObject({ location_id: loc, check_in_lat: expect.closeTo(12.91, 5), check_in_lon: expect.closeTo(77.51, 5) });
    expect(Array.isArray(res.body.pings)).toBe(true);
    const [audit] = await queryRows<{ actor_id: number; details: { visits: number } }>(
      db,
      sql`SELECT actor_id, details FROM audit_log WHERE action = 'personnel.exported' AND target_personnel_id = ${rep.id}`,
    );
    expect(audit).toMatchObject({ actor_id: admin.id, details: { visits: 1 } });
  });

  it("anonymise: identity and photos removed from storage, sign-in disabled, visits kept; idempotent, audited once, admin only", async () => {
    const db = ctx.handle.db;
    const admin = await makePerson(db, "admin");
    const manager = await makePerson(db, "manager");
    const rep = await makePerson(db, "rep", manager.id);
    await db.execute(sql`UPDATE personnel SET phone = '+91 80 5555 0000' WHERE id = ${rep.id}`);
    const loc = await makeLocation(db, 12.93, 77.53);
    const { body } = await checkIn(ctxFor(db, rep), { client_id: uuid(), location_id: loc, lat: 12.93, lon: 77.53, accuracy_m: 8, captured_at: new Date().toISOString() });
    const visitId = body.visit.id as number;
    expect((await postSelfie(selfieRoute, visitId, rep.id, selfieForm(await canvasJpeg(), selfieMeta({ capture_fix: { lat: 12.93, lon: 77.53 } })))).status).toBe(201);
    const files = () => world.storage.files().filter((f) => f.startsWith(`visits/${visitId}/`));
    expect(files()).toHaveLength(3);

    const params = { id: String(rep.id) };
    const url = `/api/v1/personnel/${rep.id}/anonymise`;
    // Scope: a rep (even about themself) and a manager are refused, and nothing changes.
    for (const who of [rep.id, manager.id]) expect((await call(anonymiseRoute, url, { as: who, params, body: { client_id: uuid() } })).status).toBe(403);
    expect(files()).toHaveLength(3);
    // An admin may not anonymise themself.
    expect((await call(anonymiseRoute, `/api/v1/personnel/${admin.id}/anonymise`, { as: admin.id, params: { id: String(admin.id) }, body: { client_id: uuid() } })).body.error.code).toBe("SELF_DEACTIVATION");
    expect((await call(anonymiseRoute, url, { as: admin.id, params, body: {} })).body.error.field).toBe("client_id");

    const clientId = uuid();
    const first = await call(anonymiseRoute, url, { as: admin.id, params, body: { client_id: clientId } });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ id: rep.id, anonymised: true, name: `Former employee #${rep.id}`, photos_removed: 1, visits_kept: 1 });
    expect(files()).toEqual([]);
    const [p] = await queryRows<{ name: string; email: string; phone: string | null; active: boolean; password_hash: string | null }>(
      db,
      sql`SELECT name, email, phone, active, password_hash FROM personnel WHERE id = ${rep.id}`,
    );
    expect(p).toEqual({ name: `Former employee #${rep.id}`, email: `anonymised-${rep.id}@anonymised.invalid`, phone: null, active: false, password_hash: null });
    const [v] = await queryRows<{ personnel_id: number; selfie_url: string | null; validation_status: string; m: Record<string, unknown> }>(
      db,
      sql`SELECT personnel_id, selfie_url, validation_status, selfie_metadata AS m FROM visits WHERE id = ${visitId}`,
    );
    expect(v).toMatchObject({ personnel_id: rep.id, selfie_url: null, validation_status: expect.any(String) });
    expect(v!.m).not.toHaveProperty("original_key");
    // Their old bearer token no longer works (sessions/tokens revoked, account deactivated).
    expect((await call(exportRoute, `/api/v1/personnel/${rep.id}/export`, { as: rep.id, params })).status).toBe(401);

    // The same request again answers the same; another request finds nothing left to do and audits nothing.
    expect((await call(anonymiseRoute, url, { as: admin.id, params, body: { client_id: clientId } })).body).toEqual(first.body);
    expect((await call(anonymiseRoute, url, { as: admin.id, params, body: { client_id: uuid() } })).body).toMatchObject({ anonymised: true, photos_removed: 0, visits_kept: 1 });
    const audits = await queryRows<{ actor_id: number; details: Record<string, unknown> }>(
      db,
      sql`SELECT actor_id, details FROM audit_log WHERE action = 'personnel.anonymised' AND target_personnel_id = ${rep.id}`,
    );
    expect(audits).toEqual([{ actor_id: admin.id, details: { photos_removed: 1, visits_kept: 1 } }]);
    // The export after anonymisation carries no trace of the old identity.
    const after = await call(exportRoute, `/api/v1/personnel/${rep.id}/export`, { as: admin.id, params });
    expect(after.text).not.toContain(rep.email);
    expect(after.text).not.toContain("5555");
  });
});
