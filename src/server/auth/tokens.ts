import "server-only";
import { jwtVerify, SignJWT } from "jose";
import { requireAuthSecret } from "@/env";

const key = () => new TextEncoder().encode(requireAuthSecret());
export const ACCESS_TOKEN_TTL_S = 15 * 60;
const ISSUER = "fieldbeat";
const AUDIENCE = "fieldbeat-api";

/** A short-lived API access token (JWT, HS256) naming the person; role and status are re-read per request. */
export async function issueAccessToken(personnelId: number, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(String(personnelId))
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ACCESS_TOKEN_TTL_S)
    .sign(key());
}

/** The personnel id of a valid token, or null if it is expired, tampered with or not ours. */
export async function verifyAccessToken(token: string, now: Date): Promise<number | null> {
  try {
    const { payload } = await jwtVerify(token, key(), { issuer: ISSUER, audience: AUDIENCE, algorithms: ["HS256"], currentDate: now });
    const id = Number(payload.sub);
    return Number.isInteger(id) && id > 0 ? id : null;
  } catch {
    return null;
  }
}
