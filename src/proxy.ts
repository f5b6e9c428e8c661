import { decode } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { env, requireAuthSecret } from "@/env";
import { LANDING } from "@/lib/landing";
import { SESSION_COOKIE } from "@/server/auth/session-cookie";
import { gateApiRequest } from "@/server/http/api-gate";
import { securityHeaders } from "@/server/http/security-headers";

/**
 * Redirects only (DESIGN §4): signed-out → /login for the app's areas, signed-in → their landing page
 * from /login. It reads the session cookie and nothing else (no database): whether the person is still
 * active, their role's rights and their data scope are decided per request by the page guard and use-cases.
 * Every page also gets the security headers with a fresh CSP nonce (Next puts it on its own scripts).
 */
const PROTECTED = /^\/(rep|manager|admin|account)(\/|$)/;

async function sessionRole(req: NextRequest): Promise<string | null> {
  const parts = req.cookies.getAll().filter((c) => c.name === SESSION_COOKIE || c.name.startsWith(SESSION_COOKIE + "."));
  if (parts.length === 0) return null;
  const token = parts
    .sort((a, b) => (Number(a.name.split(".").pop()) || 0) - (Number(b.name.split(".").pop()) || 0))
    .map((c) => c.value)
    .join("");
  try {
    const jwt = await decode({ token, secret: requireAuthSecret() });
    return typeof jwt?.role === "string" ? jwt.role : null;
  } catch {
    return null;
  }
}

export async function proxy(req: NextRequest) {
  // The API answers in its own error shape even where the framework would not (TRACE, 405, bad %-encoding).
  if (req.nextUrl.pathname.startsWith("/api/v1/")) return gateApiRequest(req.method, rawPath(req.url), req.headers.get("x-request-id")) ?? NextResponse.next();
  const { pathname, search } = req.nextUrl;
  const role = await sessionRole(req);

  if (!role && PROTECTED.test(pathname)) {
    const url = new URL("/login", req.url);
    url.searchParams.set("callbackUrl", pathname + search);
    return withHeaders(NextResponse.redirect(url));
  }
  if (role && pathname === "/login" && role in LANDING) {
    return withHeaders(NextResponse.redirect(new URL(LANDING[role as keyof typeof LANDING], req.url)));
  }

  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const headers = securityHeaders({
    nonce,
    production: env.NODE_ENV === "production",
    tileUrl: env.NEXT_PUBLIC_MAP_TILE_URL,
    googleMaps: !!env.NEXT_PUBLIC_GOOGLE_MAPS_API_KEY,
  });
  const requestHeaders = new Headers(req.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"] ?? "");
  const res = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
  return res;
}

/** The path as sent (still percent-encoded): `nextUrl.pathname` may already be decoded. */
function rawPath(url: string): string {
  const afterHost = url.replace(/^[a-z]+:\/\/[^/]+/i, "");
  return afterHost.split(/[?#]/)[0] ?? "/";
}

function withHeaders(res: NextResponse): NextResponse {
  for (const [k, v] of Object.entries(securityHeaders({ production: env.NODE_ENV === "production" }))) res.headers.set(k, v);
  return res;
}

export const config = {
  matcher: [
    // Every API path but the hot ones (UNGATED_PATHS in api-gate.ts; their routes answer wrong methods themselves).
    "/api/v1/:path((?!(?:visits/check-in|visits/check-out|locations/nearby|tracking/pings)$).*)",
    {
      // Pages only: API routes set their own headers; static assets need none of this.
      source: "/((?!api|_next/static|_next/image|favicon.ico|icons|manifest.webmanifest|sw.js).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
