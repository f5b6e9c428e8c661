import "server-only";
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { requireAuthSecret } from "@/env";

/**
 * HMAC-SHA256 signatures for /api/v1/files URLs. The key is derived from AUTH_SECRET with HKDF and a purpose label,
 * so a file signature can never be replayed as a session or token signature (and vice versa).
 */
let cached: { secret: string; key: Buffer } | undefined;
function signingKey(): Buffer {
  const secret = requireAuthSecret();
  if (cached?.secret !== secret) cached = { secret, key: Buffer.from(hkdfSync("sha256", secret, "fieldbeat", "fieldbeat/files/v1", 32)) };
  return cached.key;
}

const mac = (key: string, exp: number) => createHmac("sha256", signingKey()).update(`${key}\n${exp}`).digest("base64url");

export const FILES_PREFIX = "/api/v1/files/";

/** `/api/v1/files/<key>?exp=<unix s>&sig=<hmac>`: relative, so it works behind any host name. */
export function signFileUrl(key: string, ttlS: number, now: Date): string {
  const exp = Math.floor(now.getTime() / 1000) + Math.max(1, Math.floor(ttlS));
  return `${FILES_PREFIX}${key}?exp=${exp}&sig=${mac(key, exp)}`;
}

export type SignatureCheck = "ok" | "expired" | "invalid";

/** Constant-time comparison; the expiry is checked after the signature so a forged exp is "invalid", not "expired". */
export function verifyFileSignature(key: string, exp: string | null, sig: string | null, now: Date): SignatureCheck {
  if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return "invalid";
  const expected = Buffer.from(mac(key, Number(exp)));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return "invalid";
  return Number(exp) * 1000 < now.getTime() ? "expired" : "ok";
}
