import sharp, { type Metadata } from "sharp";
import { AppError } from "../errors";
import { sniffImageType, type ImageType } from "./sniff-image";
import { withTimeout } from "./with-timeout";
import { SELFIE_MAX_PIXELS } from "@/contracts/photos";

export const IMAGE_TIMEOUT_MS = 10_000;
const DISPLAY_MAX_PX = 1280;
const THUMB_MAX_PX = 320;

export type InspectedImage = { type: ImageType; width: number; height: number };
export type RenderedCopies = { display: Buffer; thumb: Buffer; width: number; height: number };

export const unsupportedImage = () =>
  new AppError("UNSUPPORTED_MEDIA_TYPE", "The photo must be a JPEG, PNG or WebP image (checked by its content, not its name).", { field: "photo" });
export const unreadableImage = (why: string) => new AppError("IMAGE_UNREADABLE", `The photo cannot be read: ${why}.`, { field: "photo" });
export const tooManyPixels = (w: number, h: number) =>
  new AppError("IMAGE_TOO_LARGE", `The photo is ${w}×${h} pixels; at most ${SELFIE_MAX_PIXELS / 1_000_000} megapixels are accepted.`, {
    field: "photo",
    details: { max_pixels: SELFIE_MAX_PIXELS },
  });

/**
 * Type by magic bytes (415 otherwise), then the dimensions from the header only (sharp's metadata() does not decode
 * pixels): more than SELFIE_MAX_PIXELS is refused before anything is decoded (decompression bombs).
 */
export async function inspectImage(buf: Buffer): Promise<InspectedImage> {
  const type = sniffImageType(buf);
  if (!type) throw unsupportedImage();
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
  if (width * height > SELFIE_MAX_PIXELS) throw tooManyPixels(width, height);
  return { type, width, height };
}

/**
 * What managers see: a re-encoded JPEG (EXIF orientation applied, every metadata block dropped, so no GPS) and a
 * thumbnail. Decoding fails on a truncated or corrupt file (failOn "truncated") instead of rendering grey.
 */
export async function renderCopies(buf: Buffer): Promise<RenderedCopies> {
  const base = () => sharp(buf, { limitInputPixels: SELFIE_MAX_PIXELS, failOn: "truncated" }).rotate();
  try {
    const [display, thumb] = await withTimeout(
      Promise.all([
        base().resize(DISPLAY_MAX_PX, DISPLAY_MAX_PX, { fit: "inside", withoutEnlargement: true }).jpeg({ quality: 82, mozjpeg: false }).toBuffer({ resolveWithObject: true }),
        base().resize(THUMB_MAX_PX, THUMB_MAX_PX, { fit: "inside", withoutEnlargement: true }).jpeg({ quality: 75 }).toBuffer(),
      ]),
      IMAGE_TIMEOUT_MS,
      "Decoding the image",
    );
    return { display: display.data, thumb, width: display.info.width, height: display.info.height };
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw unreadableImage("it is truncated or corrupt");
  }
}
