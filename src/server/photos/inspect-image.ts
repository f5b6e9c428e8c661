import sharp, { type Metadata } from "sharp";
import { AppError } from "../errors";
import { sniffImageType, type ImageType } from "./sniff-image";
import { withTimeout } from "./with-timeout";
import { configureSharp, withImageSlot } from "./image-jobs";
import { SELFIE_MAX_PIXELS } from "@/contracts/photos";

/**
 * Most pixels per type. JPEG (and WebP) decode with shrink-on-load: libvips reads a 50 MP JPEG at 1/8 scale when
 * it only needs 1280 px, so its cost follows the output. PNG has no such shortcut: every pixel is inflated and
 * filtered (a 49 MP PNG of 160 KB costs ≈ 3 s of CPU and ≈ 50 MB per decode), so PNG is held to what a phone's
 * canvas capture or screenshot can be.
 */
export const MAX_PIXELS_BY_TYPE: Record<ImageType, number> = {
  "image/jpeg": SELFIE_MAX_PIXELS,
  "image/webp": SELFIE_MAX_PIXELS,
  "image/png": 16_000_000,
};

export const IMAGE_TIMEOUT_MS = 10_000;
const DISPLAY_MAX_PX = 1280;
const THUMB_MAX_PX = 320;

export type InspectedImage = { type: ImageType; width: number; height: number };
export type RenderedCopies = { display: Buffer; thumb: Buffer; width: number; height: number };

export const unsupportedImage = () =>
  new AppError("UNSUPPORTED_MEDIA_TYPE", "The photo must be a JPEG, PNG or WebP image (checked by its content, not its name).", { field: "photo" });
export const unreadableImage = (why: string) => new AppError("IMAGE_UNREADABLE", `The photo cannot be read: ${why}.`, { field: "photo" });
export const tooManyPixels = (w: number, h: number, max = SELFIE_MAX_PIXELS) =>
  new AppError("IMAGE_TOO_LARGE", `The photo is ${w}×${h} pixels; at most ${max / 1_000_000} megapixels are accepted for this image type.`, {
    field: "photo",
    details: { max_pixels: max },
  });

/**
 * Type by magic bytes (415 otherwise), then the dimensions from the header only (sharp's metadata() does not decode
 * pixels): more than the type's MAX_PIXELS_BY_TYPE is refused before anything is decoded (decompression bombs).
 */
export async function inspectImage(buf: Buffer): Promise<InspectedImage> {
  const type = sniffImageType(buf);
  if (!type) throw unsupportedImage();
  configureSharp();
  let meta: Metadata;
  try {
    meta = await withTimeout(sharp(buf, { limitInputPixels: false }).metadata(), IMAGE_TIMEOUT_MS, "Reading the image header");
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw unreadableImage("its header is invalid");
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (!width || !height) throw unreadableImage("it has no dimensions");
  if (width * height > MAX_PIXELS_BY_TYPE[type]) throw tooManyPixels(width, height, MAX_PIXELS_BY_TYPE[type]);
  return { type, width, height };
}

/**
 * What managers see: a re-encoded JPEG (EXIF orientation applied, every metadata block dropped, so no GPS) and a
 * thumbnail. Decoding fails on a truncated or corrupt file (failOn "truncated") instead of rendering grey.
 * The original is decoded once, in an image slot (`withImageSlot`); the thumbnail is made from the display copy.
 */
export async function renderCopies(buf: Buffer): Promise<RenderedCopies> {
  try {
    const { work } = await withImageSlot(async () => {
      const display = await sharp(buf, { limitInputPixels: SELFIE_MAX_PIXELS, failOn: "truncated" })
        .rotate()
        .resize(DISPLAY_MAX_PX, DISPLAY_MAX_PX, { fit: "inside", withoutEnlargement: true })
        .jpeg({ quality: 82, mozjpeg: false })
        .toBuffer({ resolveWithObject: true });
      const thumb = await sharp(display.data).resize(THUMB_MAX_PX, THUMB_MAX_PX, { fit: "inside", withoutEnlargement: true }).jpeg({ quality: 75 }).toBuffer();
      return { display: display.data, thumb, width: display.info.width, height: display.info.height };
    });
    return await withTimeout(work, IMAGE_TIMEOUT_MS, "Decoding the image");
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw unreadableImage("it is truncated or corrupt");
  }
}
