import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, securityHeaders } from "../../src/server/http/security-headers";

const directives = (csp: string) => Object.fromEntries(csp.split("; ").map((d) => { const [k, ...v] = d.split(" "); return [k, v]; }));

describe("securityHeaders", () => {
  it("sends a nonce-based CSP without inline scripts or eval in production", () => {
    const h = securityHeaders({ nonce: "abc123", production: true });
    const d = directives(h["Content-Security-Policy"]!);
    expect(d["script-src"]).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'"]);
    expect(d["script-src"]).not.toContain("'unsafe-inline'");
    expect(d["frame-ancestors"]).toEqual(["'none'"]);
    expect(d["object-src"]).toEqual(["'none'"]);
    expect(d["base-uri"]).toEqual(["'self'"]);
    expect(d["form-action"]).toEqual(["'self'"]);
    expect(d["connect-src"]).toEqual(["'self'"]);
    expect(d["img-src"]).toContain("https://*.tile.openstreetmap.org");
    expect(h["Strict-Transport-Security"]).toMatch(/^max-age=\d{8}/);
    expect(h["Referrer-Policy"]).toBe("strict-origin-when-cross-origin");
    expect(h["Permissions-Policy"]).toContain("geolocation=(self)");
    expect(h["Permissions-Policy"]).toContain("camera=(self)");
    expect(h["Permissions-Policy"]).toContain("microphone=()");
    expect(h["X-Content-Type-Options"]).toBe("nosniff");
  });

  it("allows eval for React's dev tooling only in development, and never pins HTTPS there", () => {
    const h = securityHeaders({ nonce: "n", production: false });
    expect(directives(h["Content-Security-Policy"]!)["script-src"]).toContain("'unsafe-eval'");
    expect(h["Strict-Transport-Security"]).toBeUndefined();
    expect(contentSecurityPolicy({ nonce: "n", production: true })).not.toContain("unsafe-eval");
  });

  it("omits the CSP for API responses (no nonce) but keeps the other headers", () => {
    const h = securityHeaders({ production: true });
    expect(h["Content-Security-Policy"]).toBeUndefined();
    expect(h["X-Content-Type-Options"]).toBe("nosniff");
    expect(h["Strict-Transport-Security"]).toBeDefined();
  });
});

describe("map sources in the CSP", () => {
  it("allows the configured tile host for images, with {s} as a wildcard, and Google's hosts only with a key", () => {
    const custom = directives(contentSecurityPolicy({ nonce: "n", production: true, tileUrl: "https://{s}.tiles.example.org/osm/{z}/{x}/{y}.png" }));
    expect(custom["img-src"]).toContain("https://*.tiles.example.org");
    expect(custom["img-src"]).not.toContain("https://*.tile.openstreetmap.org");
    expect(custom["img-src"]!.join(" ")).not.toContain("google");
    expect(custom["connect-src"]).toEqual(["'self'"]);
    const google = directives(contentSecurityPolicy({ nonce: "n", production: true, googleMaps: true }));
    expect(google["img-src"]).toContain("https://maps.gstatic.com");
    expect(google["connect-src"]).toContain("https://maps.googleapis.com");
    expect(google["img-src"]).toContain("https://tile.openstreetmap.org");
  });
});
