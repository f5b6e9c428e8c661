import exifr from "exifr";
import { sanitizeText } from "@/contracts/safe-text";
import { zonedInstant } from "@/lib/time";
import { withTimeout } from "./with-timeout";

/** What a manager is shown of a photo's EXIF, and what the PHOTO validation uses. Every field may be missing. */
export type PhotoExif = {
  /** Signed decimal degrees; null when the GPS block is absent or its latitude/longitude tags are empty (never 0,0 by default). */
  gps: { lat: number; lon: number } | null;
  /** Camera wall-clock time as written ("YYYY:MM:DD HH:MM:SS"), without zone. */
  dateTimeOriginal: string | null;
  /** "+02:00" when the camera wrote it (EXIF 2.31). */
  offsetTimeOriginal: string | null;
  /** GPS date/time, UTC by definition ("YYYY-MM-DDTHH:MM:SS.sssZ"); some firmwares get the date wrong (fixtures README). */
  gpsTime: string | null;
  make: string | null;
  model: string | null;
};

export const NO_EXIF: PhotoExif = { gps: null, dateTimeOriginal: null, offsetTimeOriginal: null, gpsTime: null, make: null, model: null };

/** Only the tags we use: exifr then skips the rest (maker notes, thumbnails, XMP) instead of parsing them. */
const PICK = ["DateTimeOriginal", "OffsetTimeOriginal", "GPSLatitude", "GPSLatitudeRef", "GPSLongitude", "GPSLongitudeRef", "GPSDateStamp", "GPSTimeStamp", "Make", "Model"];
const OPTIONS = {
  tiff: true, exif: true, gps: true, ifd1: false, interop: false, xmp: false, icc: false, iptc: false, jfif: false, ihdr: false,
  makerNote: false, userComment: false,
  // Raw strings: a revived DateTimeOriginal would be read in the server's own zone, which is nobody's camera zone.
  reviveValues: false, translateValues: false, mergeOutput: true, pick: PICK,
};
export const EXIF_TIMEOUT_MS = 2_000;

type Raw = Record<string, unknown> & { latitude?: unknown; longitude?: unknown };

/**
 * Reads a photo's EXIF with exifr. A file without EXIF, with broken EXIF or that is no image at all gives NO_EXIF
 * ("no metadata") instead of throwing, within EXIF_TIMEOUT_MS.
 */
export async function readPhotoExif(buf: Buffer, timeoutMs = EXIF_TIMEOUT_MS): Promise<PhotoExif> {
  let raw: Raw | undefined;
  try {
    raw = (await withTimeout(exifr.parse(buf, OPTIONS) as Promise<Raw | undefined>, timeoutMs, "Reading EXIF")) ?? undefined;
  } catch {
    return NO_EXIF;
  }
  if (!raw) return NO_EXIF;
  return {
    gps: gpsOf(raw),
    dateTimeOriginal: exifDateTime(raw.DateTimeOriginal),
    offsetTimeOriginal: typeof raw.OffsetTimeOriginal === "string" && /^[+-]\d{2}:\d{2}$/.test(raw.OffsetTimeOriginal.trim()) ? raw.OffsetTimeOriginal.trim() : null,
    gpsTime: gpsTimeOf(raw.GPSDateStamp, raw.GPSTimeStamp),
    make: text(raw.Make),
    model: text(raw.Model),
  };
}

/**
 * A string tag as storable text (issue #17 item 7): a real camera pads or splits its model name with NUL bytes,
 * which jsonb refuses; sanitizeText drops them and every other control character. At most 200 characters.
 */
const text = (v: unknown) => {
  if (typeof v !== "string") return null;
  const clean = sanitizeText(v, 200);
  return clean ? clean : null;
};

/** Empty GPS tags (exifr-broken1.jpg) mean "no GPS": require both rational triples and a finite, in-range result. */
function gpsOf(raw: Raw): PhotoExif["gps"] {
  const triple = (v: unknown) => Array.isArray(v) && v.length === 3 && v.every((n) => typeof n === "number" && Number.isFinite(n));
  if (!triple(raw.GPSLatitude) || !triple(raw.GPSLongitude)) return null;
  const lat = Number(raw.latitude);
  const lon = Number(raw.longitude);
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat, lon };
}

function exifDateTime(v: unknown): string | null {
  if (typeof v !== "string") return null;
  const m = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(v.trim());
  if (!m || m[1] === "0000") return null;
  return `${m[1]}:${m[2]}:${m[3]} ${m[4]}:${m[5]}:${m[6]}`;
}

function gpsTimeOf(date: unknown, time: unknown): string | null {
  if (typeof date !== "string" || !Array.isArray(time) || time.length !== 3) return null;
  const d = /^(\d{4}):(\d{2}):(\d{2})$/.exec(date.trim());
  const [h, mi, s] = time.map(Number) as [number, number, number];
  if (!d || ![h, mi, s].every(Number.isFinite)) return null;
  const ms = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), h, mi, 0) + Math.round(s * 1000);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/**
 * When the photo was taken, as an instant: DateTimeOriginal read with OffsetTimeOriginal when present, else in the
 * organisation's time zone (cameras write local wall time); else the GPS time (UTC); else null.
 */
export function photoTakenAt(exif: PhotoExif, orgTimeZone: string): { at: Date; basis: "offset" | "org_time_zone" | "gps_time" } | null {
  const dto = exif.dateTimeOriginal && /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(exif.dateTimeOriginal);
  if (dto) {
    const [, y, mo, d, h, mi, s] = dto.map(Number) as number[] as [number, number, number, number, number, number, number];
    const wall = `${String(y).padStart(4, "0")}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
    if (exif.offsetTimeOriginal) {
      const sign = exif.offsetTimeOriginal.startsWith("-") ? -1 : 1;
      const [oh, om] = exif.offsetTimeOriginal.slice(1).split(":").map(Number) as [number, number];
      return { at: new Date(Date.UTC(y, mo - 1, d, h, mi, s) - sign * (oh * 60 + om) * 60_000), basis: "offset" };
    }
    return { at: new Date(zonedInstant(wall, h * 60 + mi, orgTimeZone).getTime() + s * 1000), basis: "org_time_zone" };
  }
  if (exif.gpsTime) return { at: new Date(exif.gpsTime), basis: "gps_time" };
  return null;
}
