import "server-only";
import { env } from "@/env";

/**
 * Which request headers this app may believe. Next's route handlers never see the socket address:
 * `next start` copies it into X-Forwarded-For only when the client sent none (`??=`), so the header is
 * the client's own word unless a proxy we run rewrites it. The production server's door (scripts/door.mjs,
 * `npm start`) sees the socket and sets PEER_HEADER on every request it passes on, overwriting the client's.
 * Hence (docs/decisions/0010-trust-boundaries.md):
 *  - TRUST_PROXY_HOPS = 0 (default): X-Forwarded-* are ignored. The client is the socket's peer as the door reports
 *    it, believed only while a door runs in this process (`next start`, `next dev` and serverless hosts have none:
 *    there the header is the client's claim). Without it the address is unknown (null): per-IP limits that would
 *    lump every caller into one bucket do not apply (rate-limit.ts) and the audit log records no IP.
 *    CSRF compares Origin with AUTH_URL (or Host when unset).
 *  - TRUST_PROXY_HOPS = n ≥ 1: n proxies we run each append the address they received from; the client is
 *    the n-th entry from the right (what a client prepends is never read). X-Forwarded-Host is then believed.
 */
type TrustConfig = { proxyHops: number; publicUrl: string | undefined };

let override: Partial<TrustConfig> | undefined;
/** Tests switch between "no proxy" and "behind a proxy" without restarting (like setApiRateLimitForTests). */
export function setTrustForTests(config: Partial<TrustConfig> | undefined) {
  override = config;
}

export const trustProxyHops = (): number => (override && "proxyHops" in override ? override.proxyHops! : env.TRUST_PROXY_HOPS);
export const publicUrl = (): string | undefined => (override && "publicUrl" in override ? override.publicUrl : env.AUTH_URL);

/** Set by scripts/door.mjs (its PEER_HEADER) while it runs in this process; kept in step by tests/unit/trust-peer.test.ts. */
const DOOR_MARK = Symbol.for("fieldbeat.door");
type DoorMark = { peerHeader: string };

/** The socket's peer address as the door in this process reports it, or null when no door runs here. */
export function doorPeerAddress(headers: Headers): string | null {
  const mark = (globalThis as Record<symbol, DoorMark | undefined>)[DOOR_MARK];
  if (!mark) return null;
  const ip = headers.get(mark.peerHeader)?.trim() ?? "";
  return plausibleIp(ip);
}

const plausibleIp = (ip: string): string | null => (/^[0-9a-fA-F:.[\]%a-zA-Z-]{1,64}$/.test(ip) ? ip.slice(0, 64) : null);

/** The IP limits and the audit log name the caller by, or null when neither a trusted proxy nor the door says it. */
export function trustedClientIp(headers: Headers): string | null {
  const hops = trustProxyHops();
  if (hops <= 0) return doorPeerAddress(headers);
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  // Fewer entries than proxies: the request did not come through all of them; nothing here is ours.
  if (chain.length < hops) return null;
  return plausibleIp(chain[chain.length - hops]!);
}

/** The forwarded host, believed only behind a trusted proxy. */
export function trustedForwardedHost(headers: Headers): string | null {
  if (trustProxyHops() <= 0) return null;
  return headers.get("x-forwarded-host")?.split(",").pop()?.trim().toLowerCase() || null;
}
