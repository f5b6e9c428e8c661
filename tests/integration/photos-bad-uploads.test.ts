/**
 * Refused selfie uploads, each with its status and nothing stored (no file, no row, no key, no event), through the
 * real route handler on both drivers. The chunked 50 MB body proves the limit holds while the body streams in.
 */
import { sql } from "drizzle-orm";
import sharp from "sharp";
import { expect, it } from "vitest";
import { POST as selfieRoute } from "../../src/app/api/v1/visits/[id]/selfie/route";
import { SELFIE_MAX_BYTES } from "../../src/contracts/photos";
import { describeEachDriver } from "../support/db";
import { canvasJpeg, fixturePhoto, postSelfie, selfieForm, selfieMeta, setUpPhotoWorld, openSelfieVisit } from "../support/photos-world";
import { hasFixtures, makePerson, writeCounts } from "../support/visits-world";


describeEachDriver("selfie upload: bad uploads store nothing", (ctx) => {
  const world = setUpPhotoWorld(ctx);

  const openVisit = () => openSelfieVisit(ctx.handle.db);

  /** Runs `send`, expects `status`/`code`, and that no table a selfie writes and no file changed. */
  async function refused(send: () => Promise<{ status: number; body: { error?: { code: string } } }>, status: number, code: string) {
    const db = ctx.handle.db;
    const before = { rows: await writeCounts(db), files: world.storage.files() };
    const r = await send();
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(r.body.error?.code).toBe(code);
    expect(await writeCounts(db)).toEqual(before.rows);
    expect(world.storage.files()).toEqual(before.files);
  }

  it("text renamed .jpg and declared image/jpeg → 415", async () => {
    const { rep, visitId } = await openVisit();
    await refused(() => postSelfie(selfieRoute, visitId, rep.id, selfieForm(Buffer.from("I am a text file, honest.\n".repeat(50)), selfieMeta(), { filename: "selfie.jpg", type: "image/jpeg" })), 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  it("a truncated JPEG → 422", async () => {
    const { rep, visitId } = await openVisit();
    const full = await sharp({ create: { width: 800, height: 600, channels: 3, background: "#369" } }).jpeg().toBuffer();
    await refused(() => postSelfie(selfieRoute, visitId, rep.id, selfieForm(full.subarray(0, Math.floor(full.length / 2)), selfieMeta())), 422, "IMAGE_UNREADABLE");
  });

  it.skipIf(!hasFixtures("photos"))("a real JPEG cut short (DSCN0010) → 422", async () => {
    const { rep, visitId } = await openVisit();
    const f = fixturePhoto("ianare-gps-DSCN0010.jpg");
    await refused(() => postSelfie(selfieRoute, visitId, rep.id, selfieForm(f.subarray(0, 60_000), selfieMeta())), 422, "IMAGE_UNREADABLE");
  });

  it("a 12 MB file → 413", async () => {
    const { rep, visitId } = await openVisit();
    const big = Buffer.concat([await canvasJpeg(), Buffer.alloc(12 * 1024 * 1024)]);
    await refused(() => postSelfie(selfieRoute, visitId, rep.id, selfieForm(big, selfieMeta())), 413, "PAYLOAD_TOO_LARGE");
  });

  it("a chunked 50 MB body is cut off at the limit: the server pulls no more than the limit plus one chunk", async () => {
    const { rep, visitId } = await openVisit();
    const chunk = new Uint8Array(256 * 1024);
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 50 * 1024 * 1024) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    await refused(() => postSelfie(selfieRoute, visitId, rep.id, { stream, contentType: "multipart/form-data; boundary=xyz" }), 413, "PAYLOAD_TOO_LARGE");
    // No Content-Length was sent: the cut-off happened while streaming, long before 50 MB (the stream's own read-ahead allows one chunk more).
    expect(pulled).toBeLessThanOrEqual(SELFIE_MAX_BYTES + 64 * 1024 + 2 * chunk.byteLength);
  });

  it("a tiny PNG declaring 20000×20000 pixels → 413 before decoding", async () => {
    const { rep, visitId } = await openVisit();
    const png = Buffer.from(await sharp({ create: { width: 1, height: 1, channels: 3, background: "#000" } }).png().toBuffer());
    png.writeUInt32BE(20000, 16);
    png.writeUInt32BE(20000, 20);
    await refused(() => postSelfie(selfieRoute, visitId, rep.id, selfieForm(png, selfieMeta(), { filename: "bomb.png", type: "image/png" })), 413, "IMAGE_TOO_LARGE");
  });

  it("another rep's visit → 404 (as if it did not exist); a visit closed long ago → 409; not multipart → 415; bad meta → 400", async () => {
    const { visitId } = await openVisit();
    const other = await makePerson(ctx.handle.db, "rep");
    await refused(async () => postSelfie(selfieRoute, visitId, other.id, selfieForm(await canvasJpeg(), selfieMeta())), 404, "NOT_FOUND");

    const closed = await openVisit();
    await ctx.handle.db.execute(sql`UPDATE visits SET check_out_time = now() - interval '2 hours', check_out_received_at = now() - interval '2 hours' WHERE id = ${closed.visitId}`);
    await refused(async () => postSelfie(selfieRoute, closed.visitId, closed.rep.id, selfieForm(await canvasJpeg(), selfieMeta())), 409, "VISIT_CLOSED");

    const { rep, visitId: mine } = await openVisit();
    const json = new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(new TextEncoder().encode("{}")), c.close()) });
    await refused(() => postSelfie(selfieRoute, mine, rep.id, { stream: json, contentType: "application/json" }), 415, "UNSUPPORTED_MEDIA_TYPE");
    await refused(async () => postSelfie(selfieRoute, mine, rep.id, selfieForm(await canvasJpeg(), { ...selfieMeta(), source: "screenshot" as "file" })), 400, "VALIDATION_FAILED");
  });
});
