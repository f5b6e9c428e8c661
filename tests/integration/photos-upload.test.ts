/**
 * POST /api/v1/visits/{id}/selfie through the real route handler, on both drivers, with real photo files and a real
 * storage directory: the PHOTO validation (EXIF GPS distance in PostGIS), evidence, idempotency and what is stored.
 */
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { POST as selfieRoute } from "../../src/app/api/v1/visits/[id]/selfie/route";
import { queryRows } from "../../src/server/db/client";
import { checkIn } from "../../src/server/visits/check-in";
import { describeEachDriver } from "../support/db";
import { canvasJpeg, fixturePhoto, postSelfie, selfieForm, selfieMeta, setUpPhotoWorld } from "../support/photos-world";
import { ctxFor, hasFixtures, makeLocation, makePerson, photoFix, uuid } from "../support/visits-world";


describeEachDriver("selfie upload: validation, evidence, storage", (ctx) => {
  const world = setUpPhotoWorld(ctx);

  async function openVisit(lat: number, lon: number, radius = 50) {
    const db = ctx.handle.db;
    const rep = await makePerson(db, "rep");
    const loc = await makeLocation(db, lat, lon, radius);
    const { body } = await checkIn(ctxFor(db, rep), { client_id: uuid(), location_id: loc, lat, lon, accuracy_m: 8, captured_at: new Date().toISOString() });
    return { rep, loc, visitId: body.visit.id, score: body.validation.evidence_score };
  }

  it("a live capture (no EXIF): stored three ways, NO_PHOTO_GPS as information only, selfie columns filled, replay answers the first result", async () => {
    const { rep, visitId, score } = await openVisit(12.9716, 77.5946);
    const before = world.storage.files().length;
    const meta = selfieMeta({ capture_fix: { lat: 12.97161, lon: 77.5946 } });
    const r = await postSelfie(selfieRoute, visitId, rep.id, selfieForm(await canvasJpeg(), meta));
    expect(r.status).toBe(201);
    expect(r.body.validation).toMatchObject({ is_valid: true, flags: ["NO_PHOTO_GPS"], penalty: 0, exif_gps_distance_m: null, photo_time_basis: "device_time" });
    expect(r.body.validation.capture_fix_distance_m).toBeCloseTo(1.11, 1);
    expect(r.body.evidence_score).toBe(score);
    expect(r.body.photo).toMatchObject({ source: "camera", content_type: "image/jpeg", width: 640, height: 480, exif: { gps: null, make: null } });
    expect(r.body.thumb_url).toMatch(/^\/api\/v1\/files\/visits\/\d+\/[0-9a-f-]+-thumb\.jpg\?exp=\d+&sig=/);
    const files = world.storage.files();
    expect(files.length - before).toBe(3);
    expect(files.filter((f) => f.startsWith(`visits/${visitId}/`)).map((f) => f.replace(/^.*-/, ""))).toEqual(["display.jpg", "original.jpg", "thumb.jpg"]);

    const db = ctx.handle.db;
    const [v] = await queryRows<{ selfie_url: string; m: Record<string, unknown>; flags: string[] }>(db, sql`SELECT selfie_url, selfie_metadata AS m, flags FROM visits WHERE id = ${visitId}`);
    expect(v!.selfie_url).toMatch(/^\/api\/v1\/files\/visits\/\d+\/.+-display\.jpg$/);
    expect(v!.m).toMatchObject({ client_id: meta.client_id, source: "camera", storage: "local", bytes: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(v!.flags).toEqual(["NO_PHOTO_GPS"]);
    const rows = await queryRows<{ validation_type: string; is_valid: boolean }>(db, sql`SELECT validation_type, is_valid FROM location_validations WHERE visit_id = ${visitId} ORDER BY id`);
    expect(rows.map((x) => x.validation_type)).toEqual(["GPS", "PHOTO"]);
    const [ev] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM events WHERE visit_id = ${visitId} AND type = 'visit.selfie_uploaded'`);
    expect(ev!.n).toBe(1);

    const replay = await postSelfie(selfieRoute, visitId, rep.id, selfieForm(await canvasJpeg(), meta));
    expect(replay.status).toBe(200);
    expect({ ...replay.body, display_url: 0, thumb_url: 0, urls_expire_at: 0 }).toEqual({ ...r.body, display_url: 0, thumb_url: 0, urls_expire_at: 0 });
    expect(world.storage.files().length - before).toBe(3);
    // One selfie per visit: another client_id is a conflict, not a second photo.
    const again = await postSelfie(selfieRoute, visitId, rep.id, selfieForm(await canvasJpeg(), selfieMeta({ capture_fix: { lat: 12.97161, lon: 77.5946 } })));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("SELFIE_ALREADY_UPLOADED");
    expect(world.storage.files().length - before).toBe(3);
  });

  it("FILE_UPLOAD and CAPTURE_FIX_MISMATCH take points off the visit's score; NO_CAPTURE_FIX when no fix was had", async () => {
    const a = await openVisit(12.95, 77.6);
    const far = await postSelfie(selfieRoute, a.visitId, a.rep.id, selfieForm(await canvasJpeg(), selfieMeta({ source: "file", capture_fix: { lat: 12.96, lon: 77.6 } })));
    expect(far.status).toBe(201);
    expect(far.body.validation).toMatchObject({ is_valid: false, flags: ["FILE_UPLOAD", "NO_PHOTO_GPS", "CAPTURE_FIX_MISMATCH"], penalty: 40 });
    expect(far.body.validation.capture_fix_distance_m).toBeGreaterThan(1000);
    expect(far.body.evidence_score).toBe(a.score - 40);
    expect(far.body.visit_flags).toEqual(["CAPTURE_FIX_MISMATCH", "FILE_UPLOAD", "NO_PHOTO_GPS"]);

    const b = await openVisit(12.94, 77.6);
    const nofix = await postSelfie(selfieRoute, b.visitId, b.rep.id, selfieForm(await canvasJpeg(), selfieMeta({ capture_fix: null })));
    expect(nofix.body.validation).toMatchObject({ is_valid: true, flags: ["NO_PHOTO_GPS", "NO_CAPTURE_FIX"], penalty: 10 });
  });

  it.skipIf(!hasFixtures("photos"))("DSCN photos as selfies at other DSCN coordinates: 39 m → no mismatch; 275 m → PHOTO_GPS_MISMATCH", async () => {
    const p10 = photoFix("ianare-gps-DSCN0010.jpg");
    const near = await openVisit(p10.lat, p10.lon, 50);
    const ok = await postSelfie(selfieRoute, near.visitId, near.rep.id, selfieForm(fixturePhoto("ianare-gps-DSCN0012.jpg"), selfieMeta({ source: "file", capture_fix: p10 })));
    expect(ok.status).toBe(201);
    expect(ok.body.validation.exif_gps_distance_m).toBeCloseTo(39.01, 1);
    expect(ok.body.validation.flags).not.toContain("PHOTO_GPS_MISMATCH");
    expect(ok.body.photo.exif).toMatchObject({ make: "NIKON", model: "COOLPIX P6000", date_time_original: "2008:10:22 16:29:49" });
    // Taken in 2008: far from today's check-in, whatever zone the camera time is read in.
    expect(ok.body.validation.flags).toContain("PHOTO_TIME_SKEW");

    const p21 = photoFix("ianare-gps-DSCN0021.jpg");
    const farVisit = await openVisit(p21.lat, p21.lon, 50);
    const bad = await postSelfie(selfieRoute, farVisit.visitId, farVisit.rep.id, selfieForm(fixturePhoto("ianare-gps-DSCN0025.jpg"), selfieMeta({ source: "file", capture_fix: p21 })));
    expect(bad.status).toBe(201);
    expect(bad.body.validation.exif_gps_distance_m).toBeCloseTo(274.82, 1);
    expect(bad.body.validation.flags).toContain("PHOTO_GPS_MISMATCH");
    expect(bad.body.validation.is_valid).toBe(false);
    expect(bad.body.validation.reasons.join(" ")).toMatch(/EXIF GPS is 274\.8\d m from the location, more than twice the radius \(100 m\)/);
  });

  it.skipIf(!hasFixtures("photos"))("the Pixel photo's camera time is read in the organisation's zone when it carries no offset; the re-encoded copy has no GPS", async () => {
    const { rep, visitId } = await openVisit(50.2996, 14.8203);
    const r = await postSelfie(selfieRoute, visitId, rep.id, selfieForm(fixturePhoto("exifr-IMG_20180725_163423-tiny.jpg"), selfieMeta({ source: "file", capture_fix: { lat: 50.2996, lon: 14.8203 } })));
    expect(r.status).toBe(201);
    // 16:34:23 in Asia/Kolkata = 11:04:23 UTC.
    expect(r.body.validation).toMatchObject({ photo_time: "2018-07-25T11:04:23.000Z", photo_time_basis: "org_time_zone" });
    expect(r.body.photo.exif.gps_time).toBe("2018-07-25T14:34:23.000Z");
  });
});
