/**
 * The app's security headers, in one place. proxy.ts applies them (with a fresh nonce) to pages;
 * /api responses get the same set minus the CSP (JSON is never rendered as a document).
 * Pure: no request, no env, so it is unit-tested and usable from proxy.ts (edge or node).
 */
export type SecurityHeaderOptions = {
  /** Per-request base64 nonce for Next's own inline scripts; omit for non-HTML responses. */
  nonce?: string;
  production: boolean;
  /** The map's tile URL template (NEXT_PUBLIC_MAP_TILE_URL); its origin is allowed for images. Default: OpenStreetMap. */
  tileUrl?: string;
  /** NEXT_PUBLIC_GOOGLE_MAPS_API_KEY is set: allow Google Maps' hosts (and only then). */
  googleMaps?: boolean;
};

/** OpenStreetMap raster tiles (the default map) and the app itself; nothing else may be loaded. */
const OSM_TILES = ["https://tile.openstreetmap.org", "https://*.tile.openstreetmap.org"];
const GOOGLE_MAPS = {
  img: ["https://maps.gstatic.com", "https://*.googleapis.com", "https://*.ggpht.com"],
  connect: ["https://maps.googleapis.com"],
  font: ["https://fonts.gstatic.com"],
  style: ["https://fonts.googleapis.com"],
};

/** The CSP source of a tile URL template: its origin, with Leaflet's {s} subdomain placeholder as a wildcard. */
export function tileSource(tileUrl: string | undefined): string[] {
  if (!tileUrl) return OSM_TILES;
  const m = /^(https?:\/\/[^/]+)/i.exec(tileUrl.replace("{s}", "*"));
  return m ? [m[1]!.toLowerCase()] : OSM_TILES;
}

export function contentSecurityPolicy({ nonce, production, tileUrl, googleMaps }: SecurityHeaderOptions): string {
  const google = googleMaps ? GOOGLE_MAPS : { img: [], connect: [], font: [], style: [] };
  const script = nonce
    ? // 'strict-dynamic': scripts loaded by a nonced script are trusted (Next's chunks); no other inline script runs.
      ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]
    : ["'self'"];
  // React's dev tooling (call stacks, HMR) evaluates code; never in production.
  if (!production) script.push("'unsafe-eval'");
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    "script-src": script,
    // Inline style *attributes* come from React (style={...}) and Leaflet; a nonce cannot cover attributes,
    // and style injection cannot run code. Kept without a nonce on purpose (a nonce would disable 'unsafe-inline').
    "style-src": ["'self'", "'unsafe-inline'", ...google.style],
    "img-src": ["'self'", "data:", "blob:", ...tileSource(tileUrl), ...google.img],
    "font-src": ["'self'", "data:", ...google.font],
    // Dev: the HMR websocket lives on the same origin (ws:), which 'self' does not cover in every browser.
    "connect-src": [...(production ? ["'self'"] : ["'self'", "ws:", "wss:"]), ...google.connect],
    "media-src": ["'self'", "blob:"],
    "worker-src": ["'self'", "blob:"],
    "manifest-src": ["'self'"],
    "frame-src": ["'none'"],
    "frame-ancestors": ["'none'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
  };
  const parts = Object.entries(directives).map(([k, v]) => `${k} ${v.join(" ")}`);
  if (production) parts.push("upgrade-insecure-requests");
  return parts.join("; ");
}

/** Headers for every response. `Content-Security-Policy` only when a nonce is given (HTML pages). */
export function securityHeaders(opts: SecurityHeaderOptions): Record<string, string> {
  const headers: Record<string, string> = {
    "Referrer-Policy": "strict-origin-when-cross-origin",
    // Geolocation and camera for the app's own pages only (check-in fix and selfie); nothing else.
    "Permissions-Policy": "geolocation=(self), camera=(self), microphone=(), payment=(), usb=()",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
  };
  if (opts.nonce !== undefined) headers["Content-Security-Policy"] = contentSecurityPolicy(opts);
  // HSTS only where TLS is certain: a dev server on http://localhost must not pin HTTPS in the browser.
  if (opts.production) headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains";
  return headers;
}

/** The non-CSP set for /api responses (JSON): applied by the route wrapper. */
export const apiSecurityHeaders = (production: boolean) => securityHeaders({ production });
