import type { RequestMeta } from "../audit/record-audit";

/**
 * The client's IP: the first X-Forwarded-For hop (set by the reverse proxy in front of the app), else
 * X-Real-IP. Behind no proxy neither is trustworthy, but Next gives route handlers no socket address;
 * the README tells operators to run behind a proxy that overwrites X-Forwarded-For.
 */
export function clientIp(req: Request): string | null {
  const forwarded = req.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const ip = forwarded || req.headers.get("x-real-ip")?.trim() || null;
  return ip ? ip.slice(0, 64) : null;
}

/** Where a request came from, for the audit trail and sign-in limits. */
export function requestMeta(req: Request): RequestMeta & { ip: string | null; userAgent: string | null } {
  return { ip: clientIp(req), userAgent: req.headers.get("user-agent")?.slice(0, 500) ?? null };
}
