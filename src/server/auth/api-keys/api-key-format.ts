import { createHash, randomBytes } from "node:crypto";

/** `fb_<8 hex prefix>_<43 base64url chars>`: the prefix is public (lists, logs); the whole key is the secret. */
const KEY_RE = /^fb_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

export const looksLikeApiKey = (s: string) => s.startsWith("fb_");

export function generateApiKey(): { key: string; prefix: string } {
  const prefix = randomBytes(4).toString("hex");
  return { key: `fb_${prefix}_${randomBytes(32).toString("base64url")}`, prefix };
}

/** Only this hash is stored; a database leak does not leak usable keys. */
export const hashApiKey = (key: string) => createHash("sha256").update(key).digest("hex");

export const isWellFormedApiKey = (key: string) => KEY_RE.test(key);
