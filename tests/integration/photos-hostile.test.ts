/**
 * Hostile photos (issue #17 items 0 and 7), through the real route handler on both drivers: a 49-megapixel PNG of
 * ~160 KB is refused from its header (413) without being decoded; a camera model string holding NUL bytes is stored
 * as clean text instead of failing in jsonb; when the database refuses the upload, no file stays behind; and
 * GET /api/v1/visits/{id} carries the selfie with signed URLs.
 */
import { sql } from "drizzle-orm";
import sharp from "sharp";
import { expect, it } from "vitest";
import { GET as visitRoute } from "../../src/app/api/v1/visits/[id]/route";
import { POST as selfieRoute } from "../../src/app/api/v1/visits/[id]/selfie/route";
import { MAX_PIXELS_BY_TYPE } from "../../src/server/photos/inspect-image";
import { describeEachDriver } from "../support/db";
import { postSelfie, selfieForm, selfieMeta, setUpPhotoWorld, openSelfieVisit } from "../support/photos-world";
import { call, writeCounts } from "../support/visits-world";

/** A JPEG whose EXIF Model is "Cam\0\u0001era 5D" (exifr hands the NUL and the control byte through as they are). */
async function jpegWithNulModel(): Promise<Buffer> {
  const b = await sharp({ create: { width: 320, height: 240, channels: 3, background: "#886644" } })
    .withExif({ IFD0: { Make: "Acme\u0000", Model: "CamQQera 5D" } })
    .jpeg()
    .toBuffer();
  const i = b.indexOf("CamQQera");
  b[i + 3] = 0x00;
  b[i + 4] = 0x01;
  return b;
}

describeEachDriver("selfie upload: hostile photos", (ctx) => {
  const world = setUpPhotoWorld(ctx);

  const openVisit = () => openSelfieVisit(ctx.handle.db);

  it("a real 49-megapixel PNG (7000×7000, made with sharp) → 413 IMAGE_TOO_LARGE from its header, nothing stored", async () => {
    const { rep, visitId } = await openVisit();
    const png = await sharp({ create: { width: 7000, height: 7000, channels: 3, background: "#369" } }).png({ compressionLevel: 9 }).toBuffer();
    expect(png.length).toBeLessThan(400_000);
    const before = { rows: await writeCounts(ctx.handle.db), files: world.storage.files() };
    for (let i = 0; i < 3; i++) {
      const r = await postSelfie(selfieRoute, visitId, rep.id, selfieForm(png, selfieMeta(), { filename: "big.png", type: "image/png" }));
      expect(r.status).toBe(413);
      expect(r.body.error).toMatchObject({ code: "IMAGE_TOO_LARGE", field: "photo", max_pixels: MAX_PIXELS_BY_TYPE["image/png"] });
    }
    expect(await writeCounts(ctx.handle.db)).toEqual(before.rows);
    expect(world.storage.files()).toEqual(before.files);
  });

  it("an EXIF model string holding NUL and control bytes is stored as clean text; GET /visits/{id} shows the photo with signed URLs", async () => {
    const { rep, visitId } = await openVisit();
    const r = await postSelfie(selfieRoute, visitId, rep.id, selfieForm(await jpegWithNulModel(), selfieMeta({ capture_fix: { lat: 12.9, lon: 77.5 } })));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.photo.exif).toMatchObject({ make: "Acme", model: "Camera 5D" });
    const v = await call(visitRoute, `/api/v1/visits/${visitId}`, { as: rep.id, params: { id: String(visitId) } });
    expect(v.status).toBe(200);
    expect(v.body.photo).toMatchObject({ source: "camera", content_type: "image/jpeg", width: 320, height: 240, exif: { model: "Camera 5D" } });
    expect(v.body.photo.display_url).toMatch(/^\/api\/v1\/files\/.+sig=/);
    expect(v.body.photo.thumb_url).toMatch(/sig=/);
    expect(Number.isFinite(Date.parse(v.body.photo.urls_expire_at))).toBe(true);
    expect(JSON.stringify(v.body.photo)).not.toMatch(/original_key|display_key/);
    // A visit without a selfie says so.
    const other = await openVisit();
    const none = await call(visitRoute, `/api/v1/visits/${other.visitId}`, { as: other.rep.id, params: { id: String(other.visitId) } });
    expect(none.body.photo).toBeNull();
  });

  it("when the database refuses the upload, no file stays behind and no row is written", async () => {
    const { rep, visitId } = await openVisit();
    const db = ctx.handle.db;
    await db.execute(sql`CREATE OR REPLACE FUNCTION guard_refuse_photo() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.validation_type = 'PHOTO' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$`);
    await db.execute(sql`CREATE TRIGGER guard_refuse_photo BEFORE INSERT ON location_validations FOR EACH ROW EXECUTE FUNCTION guard_refuse_photo()`);
    try {
      const before = { rows: await writeCounts(db), files: world.storage.files() };
      const r = await postSelfie(selfieRoute, visitId, rep.id, selfieForm(await jpegWithNulModel(), selfieMeta()));
      expect(r.status).toBeGreaterThanOrEqual(500);
      expect(world.storage.files()).toEqual(before.files);
      expect(await writeCounts(db)).toEqual(before.rows);
    } finally {
      await db.execute(sql`DROP TRIGGER guard_refuse_photo ON location_validations`);
      await db.execute(sql`DROP FUNCTION guard_refuse_photo()`);
    }
  });
});
