import { AppError } from "../errors";

/**
 * Races `work` against a timer: the request answers 422 instead of hanging on a pathological file.
 * sharp decodes on libuv's thread pool, so the event loop stays free and the timer can fire; exifr parses an
 * in-memory Buffer of at most SELFIE_MAX_BYTES segment by segment, bounded by that size (docs/decisions/0003-geofence-evidence.md, selfie section).
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError("IMAGE_UNREADABLE", `${what} took longer than ${ms} ms: the file looks corrupt.`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
