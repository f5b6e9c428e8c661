import "server-only";
import { env } from "@/env";
import { getStorage } from "../storage/storage";
import type { SelfieUploadResult } from "@/contracts/photos";

/** Signed, expiring URLs (SIGNED_URL_TTL_SECONDS, default 15 min) for a display copy and thumbnail. */
export async function signPhotoKeys(displayKey: string, thumbKey: string, now: Date): Promise<{ display_url: string; thumb_url: string; urls_expire_at: string }> {
  const storage = getStorage();
  const ttlS = env.SIGNED_URL_TTL_SECONDS;
  const [display_url, thumb_url] = await Promise.all([storage.signedUrl(displayKey, { ttlS, now }), storage.signedUrl(thumbKey, { ttlS, now })]);
  return { display_url, thumb_url, urls_expire_at: new Date(now.getTime() + ttlS * 1000).toISOString() };
}

/** The stored upload result (keys only: URLs expire, so a replay gets fresh ones) turned into the API answer. */
export async function signSelfieUrls(stored: Omit<SelfieUploadResult, "display_url" | "thumb_url" | "urls_expire_at"> & { display_key: string; thumb_key: string }, now: Date): Promise<SelfieUploadResult> {
  const { display_key, thumb_key, ...rest } = stored;
  return { ...rest, ...(await signPhotoKeys(display_key, thumb_key, now)) };
}
