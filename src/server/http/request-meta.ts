import type { RequestMeta } from "../audit/record-audit";
import { trustedClientIp } from "./trust";

/**
 * The client's IP as a trusted proxy reports it (TRUST_PROXY_HOPS), else null: rate limits then use one
 * "direct" bucket and the audit log records no IP, since an unproxied X-Forwarded-For is the client's own claim.
 */
export function clientIp(req: Request): string | null {
  return trustedClientIp(req.headers);
}

/** Where a request came from, for the audit trail and sign-in limits. */
export function requestMeta(req: Request): RequestMeta & { ip: string | null; userAgent: string | null } {
  return { ip: clientIp(req), userAgent: req.headers.get("user-agent")?.slice(0, 500) ?? null };
}
