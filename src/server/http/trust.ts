import "server-only";
import { env } from "@/env";

/**
 * Which request headers this app may believe. Next's route handlers never see the socket address:
 * `next start` copies it into X-Forwarded-For only when the client sent none (`??=`), so the header is
 * the client's own word unless a proxy we run rewrites it. Hence (docs/decisions/0010-trust-boundaries.md):
 *  - TRUST_PROXY_HOPS = 0 (default): X-Forwarded-* are ignored; per-IP limits use one "direct" bucket and
 *    the audit log records no IP; CSRF compares Origin with AUTH_URL (or Host when unset).
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

/** The IP limits and the audit log name the caller by, or null when no trusted proxy says it. */
export function trustedClientIp(headers: Headers): string | null {
  const hops = trustProxyHops();
  if (hops <= 0) return null;
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  // Fewer entries than proxies: the request did not come through all of them; nothing here is ours.
  if (chain.length < hops) return null;
  const ip = chain[chain.length - hops]!;
  return /^[0-9a-fA-F:.[\]%a-zA-Z-]{1,64}$/.test(ip) ? ip.slice(0, 64) : null;
}

/** The forwarded host, believed only behind a trusted proxy. */
export function trustedForwardedHost(headers: Headers): string | null {
  if (trustProxyHops() <= 0) return null;
  return headers.get("x-forwarded-host")?.split(",").pop()?.trim().toLowerCase() || null;
}
