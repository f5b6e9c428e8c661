import "server-only";
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { generate, generateSecret, generateURI, verify } from "otplib";
import { requireAuthSecret } from "@/env";

/** RFC 6238: 30 s steps, 6 digits, SHA-1 (what every authenticator app speaks); ±1 step for clock drift. */
const PERIOD_S = 30;
const TOLERANCE_S = PERIOD_S;
export const TOTP_ISSUER = "Fieldbeat";

export const newTotpSecret = (): string => generateSecret({ length: 20 });

export const totpUri = (email: string, secret: string): string => generateURI({ issuer: TOTP_ISSUER, label: email, secret, period: PERIOD_S });

export function totpCode(secret: string, now: Date): Promise<string> {
  return generate({ secret, period: PERIOD_S, epoch: Math.floor(now.getTime() / 1000) });
}

/** True when `code` is the current code, or the one just before or after (phone clocks drift). */
export async function verifyTotp(secret: string, code: string, now: Date): Promise<boolean> {
  const token = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(token)) return false;
  try {
    const r = await verify({ secret, token, period: PERIOD_S, epoch: Math.floor(now.getTime() / 1000), epochTolerance: TOLERANCE_S });
    return r.valid;
  } catch {
    return false;
  }
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
