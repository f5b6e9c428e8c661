import "server-only";
import { jwtVerify, SignJWT } from "jose";
import { requireAuthSecret } from "@/env";

// jose imports a raw (Uint8Array) secret into a WebCrypto key on every sign/verify; import it once per secret
// instead (same HS256 key, same checks), since every /api/v1 request verifies a token.
let cached: { secret: string; key: Promise<CryptoKey> } | undefined;
function key(): Promise<CryptoKey> {
  const secret = requireAuthSecret();
  if (cached?.secret !== secret) {
    const imported = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    cached = { secret, key: imported };
  }
  return cached.key;
}
export const ACCESS_TOKEN_TTL_S = 15 * 60;
const ISSUER = "fieldbeat";
const AUDIENCE = "fieldbeat-api";
/** Seconds of clock difference tolerated between app instances. */
const CLOCK_TOLERANCE_S = 5;

/** A short-lived API access token (JWT, HS256) naming the person; role and status are re-read per request. */
export async function issueAccessToken(personnelId: number, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  // iat has whole seconds; `iat_ms` lets a token issued just after a password reset (same second) survive it.
  return new SignJWT({ iat_ms: now.getTime() })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(String(personnelId))
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ACCESS_TOKEN_TTL_S)
    .sign(await key());
}

export type AccessTokenClaims = {
  personnelId: number;
  /** issued at, seconds since the epoch */
  iat: number;
  /** issued at in milliseconds (iat_ms when present), compared with personnel.tokens_valid_after */
  issuedAtMs: number;
};

/**
 * The claims of a valid token, or null if it is expired, tampered with or not ours. The caller still
 * checks the person is active and `iat` is not before their `tokens_valid_after` (authenticate.ts).
 */
export async function verifyAccessToken(token: string, now: Date): Promise<AccessTokenClaims | null> {
  // A token verified before (same secret) is the same claims: only its time bounds need checking again.
  const secret = requireAuthSecret();
  const hit = verified.get(token);
  if (hit && hit.secret === secret) return withinTime(hit, now) ? hit.claims : null;
  const claims = await verifyUncached(token, now);
  if (claims) {
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
    verified.set(token, { secret, claims, exp: claims.exp });
  }
  return claims;
}

type Verified = { secret: string; claims: AccessTokenClaims; exp: number };
/** Recently verified tokens (≤ 15 min lifetime each), oldest dropped first. */
const verified = new Map<string, Verified>();
const VERIFIED_MAX = 20_000;

/** jose's time checks for a token whose signature and claims were already verified. */
function withinTime(v: Verified, now: Date): boolean {
  const t = now.getTime() / 1000;
  return t < v.exp + CLOCK_TOLERANCE_S && t - v.claims.iat <= ACCESS_TOKEN_TTL_S + CLOCK_TOLERANCE_S && v.claims.iat - t <= CLOCK_TOLERANCE_S;
}

async function verifyUncached(token: string, now: Date): Promise<(AccessTokenClaims & { exp: number }) | null> {
  try {
    // exp, iat, iss, aud and sub are required (jose only checks the ones present), and no token may live
    // longer than the configured lifetime, even one signed with our secret.
    const { payload } = await jwtVerify(token, await key(), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ["HS256"],
      currentDate: now,
      requiredClaims: ["exp", "iat", "iss", "aud", "sub"],
      maxTokenAge: ACCESS_TOKEN_TTL_S,
      clockTolerance: CLOCK_TOLERANCE_S,
    });
    if (typeof payload.exp !== "number" || typeof payload.iat !== "number" || payload.exp - payload.iat > ACCESS_TOKEN_TTL_S) return null;
    if (payload.iat * 1000 > now.getTime() + CLOCK_TOLERANCE_S * 1000) return null; // issued in the future
    if (typeof payload.sub !== "string" || !/^[1-9][0-9]{0,9}$/.test(payload.sub)) return null;
    const id = Number(payload.sub);
    if (id > 2_147_483_647) return null;
    const ms = typeof payload.iat_ms === "number" && Math.floor(payload.iat_ms / 1000) === payload.iat ? payload.iat_ms : payload.iat * 1000;
    return { personnelId: id, iat: payload.iat, issuedAtMs: ms, exp: payload.exp };
  } catch {
    return null;
  }
}
