import "server-only";
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { generate, generateSecret, generateURI } from "otplib";
import { requireAuthSecret } from "@/env";

/** RFC 6238: 30 s steps, 6 digits, SHA-1 (what every authenticator app speaks); ±1 step for clock drift. */
const PERIOD_S = 30;
export const TOTP_ISSUER = "Fieldbeat";

export const newTotpSecret = (): string => generateSecret({ length: 20 });

export const totpUri = (email: string, secret: string): string => generateURI({ issuer: TOTP_ISSUER, label: email, secret, period: PERIOD_S });

export function totpCode(secret: string, now: Date): Promise<string> {
  return generate({ secret, period: PERIOD_S, epoch: Math.floor(now.getTime() / 1000) });
}

/** Accepted clock drift, in 30 s steps either side of the server's (RFC 6238 §5.2 recommends at most one). */
export const TOTP_DRIFT_STEPS = 1;

/** The RFC 6238 time step (counter) of an instant. */
export const totpStep = (at: Date): number => Math.floor(at.getTime() / 1000 / PERIOD_S);

/**
 * The time step whose code `code` is, within ±TOTP_DRIFT_STEPS of `now`, or null. The caller refuses a
 * step at or before the last one used (replay inside the window) and records the new one.
 */
export async function matchTotpStep(secret: string, code: string, now: Date): Promise<number | null> {
  const token = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const current = totpStep(now);
  let found: number | null = null;
  // Every candidate is computed and compared in constant time, whichever matches.
  try {
    for (let d = -TOTP_DRIFT_STEPS; d <= TOTP_DRIFT_STEPS; d++) {
      const expected = await generate({ secret, period: PERIOD_S, epoch: (current + d) * PERIOD_S });
      if (timingSafeEqual(Buffer.from(expected), Buffer.from(token)) && found === null) found = current + d;
    }
  } catch {
    return null; // a malformed secret is a failed check, never a crash
  }
  return found;
}

/** True when `code` is the current code, or the one just before or after (phone clocks drift). No replay check. */
export async function verifyTotp(secret: string, code: string, now: Date): Promise<boolean> {
  return (await matchTotpStep(secret, code, now)) !== null;
}

/*
 * The TOTP secret is encrypted at rest (AES-256-GCM) with a key derived from AUTH_SECRET by HKDF:
 * a database dump alone does not give anyone second factors. See docs/decisions/0005-mfa.md.
 */
const VERSION = "v1";
const key = () => Buffer.from(hkdfSync("sha256", requireAuthSecret(), "fieldbeat-mfa", "totp-secret-v1", 32));

export function encryptSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), data]).toString("base64url")}`;
}

/** The base32 secret, or null when the stored value is not ours (tampered, or AUTH_SECRET changed). */
export function decryptSecret(stored: string): string | null {
  const [version, payload] = stored.split(":");
  if (version !== VERSION || !payload) return null;
  const raw = Buffer.from(payload, "base64url");
  if (raw.length < 29) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key(), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
