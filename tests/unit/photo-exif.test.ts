/**
 * exifr against exiftool's reference output for every real photo in ../shared/fixtures/photos, plus the type sniffer,
 * the header-only pixel check and the photo-time rules. Skips with a message when the fixtures are absent.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { inspectImage, renderCopies } from "../../src/server/photos/inspect-image";
import { NO_EXIF, photoTakenAt, readPhotoExif } from "../../src/server/photos/read-exif";
import { sniffImageType } from "../../src/server/photos/sniff-image";

const DIR = path.resolve(process.env.FIXTURES_DIR ?? path.join(process.cwd(), "../shared/fixtures"), "photos");
const have = existsSync(DIR);
type Ref = Record<string, string | number | undefined>;
const refs: Ref[] = have ? (JSON.parse(readFileSync(path.join(DIR, "exiftool-reference.json"), "utf8")) as Ref[]) : [];
const photo = (f: string) => readFileSync(path.join(DIR, f));
const BROKEN = ["exifr-broken1.jpg", "ianare-invalid-image01088.jpg", "exifr-noexif.jpg", "ianare-xmp-no_exif.jpg"];

describe.skipIf(!have)("EXIF of every fixture photo equals exiftool's reference", () => {
  if (!have) it.skip(`fixtures missing at ${DIR}`, () => {});
  const files = have ? readdirSync(DIR).filter((f) => f.endsWith(".jpg")) : [];

  it("covers every photo in the folder", () => {
    expect(files.length).toBe(11);
    expect(refs.map((r) => r.SourceFile).sort()).toEqual([...files].sort());
  });

  for (const file of files) {
    it(file, async () => {
      const ref = refs.find((r) => r.SourceFile === file)!;
      const exif = await readPhotoExif(photo(file));
      const refLat = ref["Composite:GPSLatitude"];
      if (typeof refLat === "number") {
        expect(exif.gps).not.toBeNull();
        expect(Math.abs(exif.gps!.lat - refLat)).toBeLessThan(1e-7);
        expect(Math.abs(exif.gps!.lon - Number(ref["Composite:GPSLongitude"]))).toBeLessThan(1e-7);
      } else {
        // Includes exifr-broken1.jpg, whose GPS block has empty latitude/longitude: "no GPS", never 0,0.
        expect(exif.gps).toBeNull();
      }
      expect(exif.dateTimeOriginal).toBe(ref["ExifIFD:DateTimeOriginal"] ?? null);
      expect(exif.make).toBe(ref["IFD0:Make"] ?? null);
      expect(exif.model).toBe(ref["IFD0:Model"] ?? null);
    });
  }

  it("gives 'no metadata' for files without EXIF or with broken EXIF, without throwing", async () => {
    for (const f of ["ianare-invalid-image01088.jpg", "exifr-noexif.jpg", "ianare-xmp-no_exif.jpg"]) expect(await readPhotoExif(photo(f)), f).toEqual(NO_EXIF);
    // Not an image at all, and a JPEG cut in half: still no throw.
    expect(await readPhotoExif(Buffer.from("hello, I am not a photo"))).toEqual(NO_EXIF);
    const half = photo("ianare-gps-DSCN0010.jpg").subarray(0, 2000);
    await expect(readPhotoExif(half)).resolves.toBeDefined();
  });

  it("refuses to wait on a parse that outlives its time limit (a 1 ms budget on every broken file)", async () => {
    // The broken files must come back as a value (not a throw, not a hang) even when the budget is exhausted.
    for (const f of BROKEN) await expect(readPhotoExif(photo(f), 1)).resolves.toBeDefined();
  });

  it("reads GPS time as UTC and keeps the Nikon firmware's day-late GPS date as written", async () => {
    const pixel = await readPhotoExif(photo("exifr-IMG_20180725_163423-tiny.jpg"));
    expect(pixel.gpsTime).toBe("2018-07-25T14:34:23.000Z");
    const nikon = await readPhotoExif(photo("ianare-gps-DSCN0010.jpg"));
    expect(nikon.gpsTime).toBe("2008-10-23T14:27:07.240Z");
  });

  it("decodes every fixture photo into a display copy and thumbnail without any metadata (no GPS)", async () => {
    for (const f of files) {
      const out = await renderCopies(photo(f));
      expect(await readPhotoExif(out.display), f).toEqual(NO_EXIF);
      const meta = await sharp(out.thumb).metadata();
      expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(320);
      expect(meta.exif).toBeUndefined();
    }
  });

  it("refuses a truncated JPEG at decoding (422), though its header reads", async () => {
    const half = photo("ianare-gps-DSCN0010.jpg");
    const cut = half.subarray(0, Math.floor(half.length / 2));
    expect((await inspectImage(cut)).width).toBe(640);
    await expect(renderCopies(cut)).rejects.toMatchObject({ status: 422, code: "IMAGE_UNREADABLE" });
  });
});

describe("photo time", () => {
  const base = { ...NO_EXIF };
  it("uses OffsetTimeOriginal when present", () => {
    expect(photoTakenAt({ ...base, dateTimeOriginal: "2018:07:25 16:34:23", offsetTimeOriginal: "+02:00" }, "Asia/Kolkata")).toEqual({
      at: new Date("2018-07-25T14:34:23Z"),
      basis: "offset",
    });
  });
  it("reads a zone-less camera time in the organisation's time zone", () => {
    expect(photoTakenAt({ ...base, dateTimeOriginal: "2026-03-10 11:00:05".replace(/-/g, ":") }, "Asia/Kolkata")).toEqual({
      at: new Date("2026-03-10T05:30:05Z"),
      basis: "org_time_zone",
    });
  });
  it("falls back to GPS time (UTC), then to nothing", () => {
    expect(photoTakenAt({ ...base, gpsTime: "2018-07-25T14:34:23.000Z" }, "Asia/Kolkata")?.basis).toBe("gps_time");
    expect(photoTakenAt(base, "Asia/Kolkata")).toBeNull();
  });
});

describe("image type and size checks", () => {
  it("sniffs JPEG, PNG and WebP by magic bytes only", async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#fff" } }).png().toBuffer();
    const webp = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#fff" } }).webp().toBuffer();
    const jpg = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#fff" } }).jpeg().toBuffer();
    expect([sniffImageType(jpg), sniffImageType(png), sniffImageType(webp)]).toEqual(["image/jpeg", "image/png", "image/webp"]);
    expect(sniffImageType(Buffer.from("GIF89a........"))).toBeNull();
    expect(sniffImageType(Buffer.from("just text, named selfie.jpg"))).toBeNull();
    await expect(inspectImage(Buffer.from("just text"))).rejects.toMatchObject({ status: 415 });
  });

  it("refuses a small PNG that declares 20000×20000 pixels from its header, before decoding", async () => {
    const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: "#000" } }).png().toBuffer();
    const bomb = Buffer.from(png);
    // IHDR width/height live at bytes 16–23; the CRC no longer matches, which a header read does not check.
    bomb.writeUInt32BE(20000, 16);
    bomb.writeUInt32BE(20000, 20);
    expect(bomb.length).toBeLessThan(200);
    await expect(inspectImage(bomb)).rejects.toMatchObject({ status: 413, code: "IMAGE_TOO_LARGE" });
  });
});
