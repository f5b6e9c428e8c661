/**
 * GET /api/v1/files/<key>: signed, expiring URLs plus the visit's scope, through the real route handlers.
 */
import { expect, it } from "vitest";
import sharp from "sharp";
import { GET as fileRoute } from "../../src/app/api/v1/files/[...key]/route";
import { POST as selfieRoute } from "../../src/app/api/v1/visits/[id]/selfie/route";
import { issueAccessToken } from "../../src/server/auth/tokens";
import { signFileUrl } from "../../src/server/storage/signed-url";
import { checkIn } from "../../src/server/visits/check-in";
import { describeEachDriver } from "../support/db";
import { fixturePhoto, postSelfie, selfieForm, selfieMeta, setUpPhotoWorld } from "../support/photos-world";
import { ctxFor, hasFixtures, makeLocation, makePerson, photoFix, uuid } from "../support/visits-world";


async function getFile(url: string, as: number | null) {
  const u = new URL(url, "http://localhost");
  const key = u.pathname.replace("/api/v1/files/", "").split("/");
  const headers: Record<string, string> = as === null ? {} : { authorization: "Bearer " + (await issueAccessToken(as, new Date())) };
  const res = await fileRoute(new Request(u, { headers }), { params: Promise.resolve({ key }) });
  const data = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get("content-type"), cache: res.headers.get("cache-control"), data, json: res.headers.get("content-type")?.includes("json") ? JSON.parse(data.toString()) : null };
}

describeEachDriver("photo files: signed URLs and scope", (ctx) => {
  setUpPhotoWorld(ctx);

  it.skipIf(!hasFixtures("photos"))("serves the re-encoded copy (no GPS) to the rep and their manager; others 404; expired/tampered links 403; originals to admins only", async () => {
    const db = ctx.handle.db;
    const manager = await makePerson(db, "manager");
    const otherManager = await makePerson(db, "manager");
    const admin = await makePerson(db, "admin");
    const rep = await makePerson(db, "rep", manager.id);
    const otherRep = await makePerson(db, "rep", manager.id);
    const fix = photoFix("ianare-gps-DSCN0010.jpg");
    const loc = await makeLocation(db, fix.lat, fix.lon);
    const { body: visit } = await checkIn(ctxFor(db, rep), { client_id: uuid(), location_id: loc, lat: fix.lat, lon: fix.lon, accuracy_m: 8, captured_at: new Date().toISOString() });
    const up = await postSelfie(selfieRoute, visit.visit.id, rep.id, selfieForm(fixturePhoto("ianare-gps-DSCN0010.jpg"), selfieMeta({ source: "file", capture_fix: fix })));
    expect(up.status).toBe(201);

    const asRep = await getFile(up.body.display_url, rep.id);
    expect(asRep.status).toBe(200);
    expect(asRep.type).toBe("image/jpeg");
    expect(asRep.cache).toMatch(/^private, max-age=\d+$/);
    const meta = await sharp(asRep.data).metadata();
    expect([meta.width, meta.height, meta.exif]).toEqual([640, 480, undefined]);
    expect((await getFile(up.body.thumb_url, manager.id)).status).toBe(200);
    expect((await getFile(up.body.thumb_url, admin.id)).status).toBe(200);
    expect((await getFile(up.body.thumb_url, otherManager.id)).status).toBe(404);
    expect((await getFile(up.body.thumb_url, otherRep.id)).status).toBe(404);
    expect((await getFile(up.body.thumb_url, null)).status).toBe(401);

    const key = new URL(up.body.thumb_url, "http://x").pathname.replace("/api/v1/files/", "");
    const expired = await getFile(signFileUrl(key, 900, new Date(Date.now() - 3_600_000)), rep.id);
    expect([expired.status, expired.json?.error.code]).toEqual([403, "URL_EXPIRED"]);
    const u = new URL(up.body.thumb_url, "http://x");
    const sig = u.searchParams.get("sig")!;
    const forgedSig = await getFile(`${u.pathname}?exp=${u.searchParams.get("exp")}&sig=${sig.slice(0, -1)}${sig.endsWith("A") ? "B" : "A"}`, rep.id);
    expect([forgedSig.status, forgedSig.json?.error.code]).toEqual([403, "SIGNATURE_INVALID"]);
    const longerExp = await getFile(`${u.pathname}?exp=${Number(u.searchParams.get("exp")) + 86_400}&sig=${sig}`, rep.id);
    expect([longerExp.status, longerExp.json?.error.code]).toEqual([403, "SIGNATURE_INVALID"]);
    const otherKey = await getFile(`${u.pathname.replace("-thumb.jpg", "-display.jpg")}?${u.searchParams}`, rep.id);
    expect([otherKey.status, otherKey.json?.error.code]).toEqual([403, "SIGNATURE_INVALID"]);
    const noSig = await getFile(u.pathname, rep.id);
    expect(noSig.status).toBe(403);

    // The original keeps its EXIF (GPS included): properly signed, still only for admins.
    const originalKey = key.replace("-thumb.jpg", "-original.jpg");
    expect((await getFile(signFileUrl(originalKey, 900, new Date()), manager.id)).status).toBe(404);
    const original = await getFile(signFileUrl(originalKey, 900, new Date()), admin.id);
    expect(original.status).toBe(200);
    expect(original.data.equals(fixturePhoto("ianare-gps-DSCN0010.jpg"))).toBe(true);
    // A signed key that is not one of the visit's files (path games included) is a 404.
    expect((await getFile(signFileUrl(`visits/${visit.visit.id}/nope.jpg`, 900, new Date()), admin.id)).status).toBe(404);
  });
});
