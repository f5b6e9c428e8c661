/**
 * Photo settings (retention days, selfie-required location types) through the admin's server action, and the
 * retention use-case deleting old photos (files and URLs), audited, safe to repeat.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { POST as selfieRoute } from "../../src/app/api/v1/visits/[id]/selfie/route";
import { queryRows } from "../../src/server/db/client";
import { invokeAction } from "../../src/server/http/action";
import { JOBS } from "../../src/server/jobs/registry";
import { purgeOldPhotos } from "../../src/server/photos/purge-old-photos";
import { readOrgSettings } from "../../src/server/settings/read-org-settings";
import { updateOrgSettingsAction as updatePhotoSettingsAction } from "../../src/server/settings/settings.actions";
import { checkIn } from "../../src/server/visits/check-in";
import { describeEachDriver } from "../support/db";
import { canvasJpeg, postSelfie, selfieForm, selfieMeta, setUpPhotoWorld } from "../support/photos-world";
import { ctxFor, makeLocation, makePerson, uuid } from "../support/visits-world";

describeEachDriver("photo settings and retention", (ctx) => {
  const world = setUpPhotoWorld(ctx);

  it("an admin sets retention and the selfie-required types (deduplicated, audited); a manager may not; out-of-range days are refused", async () => {
    const db = ctx.handle.db;
    const admin = await makePerson(db, "admin");
    const manager = await makePerson(db, "manager");
    const ok = await invokeAction(updatePhotoSettingsAction.def, admin, { client_id: uuid(), photo_retention_days: 30, selfie_required_types: ["restaurant", "atm", "restaurant", "it's \"quoted\""] });
    expect(ok).toMatchObject({ ok: true, data: { photo_retention_days: 30, selfie_required_types: ["atm", "it's \"quoted\"", "restaurant"] } });
    expect(await readOrgSettings(db)).toMatchObject({ photo_retention_days: 30, selfie_required_types: ["atm", "it's \"quoted\"", "restaurant"] });
    const [audit] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'settings.changed' AND details ? 'selfie_required_types' AND details ? 'photo_retention_days'`);
    expect(audit!.n).toBe(1);
    expect(await invokeAction(updatePhotoSettingsAction.def, manager, { client_id: uuid(), photo_retention_days: 30, selfie_required_types: [] })).toMatchObject({ ok: false, status: 403 });
    expect(await invokeAction(updatePhotoSettingsAction.def, admin, { client_id: uuid(), photo_retention_days: 0, selfie_required_types: [] })).toMatchObject({ ok: false, status: 400, error: { field: "photo_retention_days" } });
    await invokeAction(updatePhotoSettingsAction.def, admin, { client_id: uuid(), photo_retention_days: 365, selfie_required_types: [] });
  });

  it("retention deletes photos older than the setting (files, selfie_url, file keys), keeps newer ones, audits, and is safe to repeat", async () => {
    const db = ctx.handle.db;
    const admin = await makePerson(db, "admin");
    const visits: number[] = [];
    for (let i = 0; i < 2; i++) {
      const rep = await makePerson(db, "rep");
      const loc = await makeLocation(db, 12.9 + i / 100, 77.5);
      const { body } = await checkIn(ctxFor(db, rep), { client_id: uuid(), location_id: loc, lat: 12.9 + i / 100, lon: 77.5, accuracy_m: 8, captured_at: new Date().toISOString() });
      expect((await postSelfie(selfieRoute, body.visit.id, rep.id, selfieForm(await canvasJpeg(), selfieMeta({ capture_fix: { lat: 12.9 + i / 100, lon: 77.5 } })))).status).toBe(201);
      visits.push(body.visit.id);
    }
    const [old, fresh] = visits as [number, number];
    // The first photo was received 400 days ago (retention: 365).
    await db.execute(sql`UPDATE visits SET selfie_metadata = jsonb_set(selfie_metadata, '{received_at}', to_jsonb((now() - interval '400 days')::text)) WHERE id = ${old}`);
    const files = (id: number) => world.storage.files().filter((f) => f.startsWith(`visits/${id}/`));
    expect(files(old)).toHaveLength(3);

    const first = await purgeOldPhotos(ctxFor(db, admin));
    expect(first.purged).toBe(1);
    expect(files(old)).toEqual([]);
    expect(files(fresh)).toHaveLength(3);
    const [row] = await queryRows<{ selfie_url: string | null; m: Record<string, unknown> }>(db, sql`SELECT selfie_url, selfie_metadata AS m FROM visits WHERE id = ${old}`);
    expect(row!.selfie_url).toBeNull();
    expect(row!.m).not.toHaveProperty("display_key");
    expect(row!.m).toMatchObject({ deleted_at: expect.any(String), validation: { flags: ["NO_PHOTO_GPS"] } });
    const [audit] = await queryRows<{ details: { count: number } }>(db, sql`SELECT details FROM audit_log WHERE action = 'photos.purged' ORDER BY id DESC LIMIT 1`);
    expect(audit!.details.count).toBe(1);
    expect((await purgeOldPhotos(ctxFor(db, admin))).purged).toBe(0);
    expect(existsSync(path.join(world.storage.root, `visits/${fresh}`))).toBe(true);
    await expect(purgeOldPhotos(ctxFor(db, await makePerson(db, "manager")))).rejects.toMatchObject({ status: 403 });
  });

  it("the daily photos-purge job of the registry applies the same retention, audited as the system (no actor)", async () => {
    const db = ctx.handle.db;
    const rep = await makePerson(db, "rep");
    const loc = await makeLocation(db, 12.95, 77.55);
    const { body } = await checkIn(ctxFor(db, rep), { client_id: uuid(), location_id: loc, lat: 12.95, lon: 77.55, accuracy_m: 8, captured_at: new Date().toISOString() });
    expect((await postSelfie(selfieRoute, body.visit.id, rep.id, selfieForm(await canvasJpeg(), selfieMeta({ capture_fix: { lat: 12.95, lon: 77.55 } })))).status).toBe(201);
    const id = body.visit.id;
    await db.execute(sql`UPDATE visits SET selfie_metadata = jsonb_set(selfie_metadata, '{received_at}', to_jsonb((now() - interval '400 days')::text)) WHERE id = ${id}`);
    expect(world.storage.files().filter((f) => f.startsWith(`visits/${id}/`))).toHaveLength(3);

    const job = JOBS.find((j) => j.name === "photos-purge");
    expect(job?.cron).toMatch(/^\d+ \d+ \* \* \*$/); // once a day
    expect(await job!.run(db, new Date())).toMatchObject({ purged: 1 });
    expect(world.storage.files().filter((f) => f.startsWith(`visits/${id}/`))).toEqual([]);
    const [row] = await queryRows<{ selfie_url: string | null }>(db, sql`SELECT selfie_url FROM visits WHERE id = ${id}`);
    expect(row!.selfie_url).toBeNull();
    const [audit] = await queryRows<{ actor_id: number | null; details: { visit_ids: number[]; scheduled?: boolean } }>(
      db,
      sql`SELECT actor_id, details FROM audit_log WHERE action = 'photos.purged' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit).toMatchObject({ actor_id: null, details: { visit_ids: [id], scheduled: true } });
    expect(await job!.run(db, new Date())).toMatchObject({ purged: 0 });
  });
});
