import sharp from "sharp";
import { AppError } from "../errors";

/**
 * Bounds on what image work may cost the process (issue #17 item 0: three 49-megapixel PNG selfies of 160 KB
 * each took it to 513 MB). sharp's operation cache is off (every selfie is a new file, so nothing is ever
 * reused; the default cache holds up to 50 MB of decoded pixels), libvips uses one thread per image, and at
 * most IMAGE_JOBS_ACTIVE image jobs run at once in the process, with at most IMAGE_JOBS_WAITING more waiting:
 * past that the upload answers 503 with Retry-After and the phone's queue sends it again later.
 */
export const IMAGE_JOBS_ACTIVE = 1;
export const IMAGE_JOBS_WAITING = 8;
export const IMAGE_BUSY_RETRY_S = 10;

let configured = false;
/** Applies the process-wide sharp settings once (idempotent; called before any image work). */
export function configureSharp(): void {
  if (configured) return;
  configured = true;
  sharp.cache(false);
  sharp.concurrency(1);
}

let active = 0;
const waiting: (() => void)[] = [];

const release = () => {
  const next = waiting.shift();
  if (next) next();
  else active--;
};

/** Image jobs running and waiting now (for tests and health). */
export const imageJobLoad = () => ({ active, waiting: waiting.length });

/**
 * Runs `start` when an image slot is free. The slot is held until the work itself settles, not until the
 * caller stops waiting (a timed-out decode still occupies libvips), so the bound holds even under timeouts:
 * it resolves to `{ work }` as soon as the work starts, for the caller to race `work` against a timer.
 */
export async function withImageSlot<T>(start: () => Promise<T>): Promise<{ work: Promise<T> }> {
  configureSharp();
  if (active >= IMAGE_JOBS_ACTIVE) {
    if (waiting.length >= IMAGE_JOBS_WAITING) {
      throw new AppError("SERVICE_UNAVAILABLE", "Too many photos are being processed right now. Try again shortly.", { details: { retry_after_s: IMAGE_BUSY_RETRY_S } });
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    active++;
  }
  let work: Promise<T>;
  try {
    work = start();
  } catch (err) {
    release();
    throw err;
  }
  work.then(release, release);
  return { work }; // wrapped: an async function returning the promise itself would wait for it
}
