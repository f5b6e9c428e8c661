/**
 * The hot API paths the proxy does not run for (issue #11, api-gate.ts UNGATED_PATHS): Next's own matcher skips
 * exactly those paths and no other, and their route files answer the methods they lack with the same JSON 405 and
 * Allow the gate gives everywhere else (the real server's answer is pinned by tests/e2e/api-hardening.spec.ts).
 * Modules are imported inside the tests: Next's matcher utility and the proxy, loaded before Next's server
 * modules, break Next's AsyncLocalStorage set-up for the rest of the file.
 */
import { describe, expect, it } from "vitest";
import { allowedMethods, gateApiRequest, isMethodNotAllowedHandler, UNGATED_PATHS } from "../../src/server/http/api-gate";

type Handler = (req: Request) => Promise<Response>;

describe("ungated hot paths", () => {
  it("an ungated path answers the other methods itself, exactly as the gate would, and OPTIONS with the same Allow", async () => {
    const modules: Record<string, Record<string, unknown>> = {
      "/api/v1/visits/check-in": await import("../../src/app/api/v1/visits/check-in/route"),
      "/api/v1/visits/check-out": await import("../../src/app/api/v1/visits/check-out/route"),
      "/api/v1/locations/nearby": await import("../../src/app/api/v1/locations/nearby/route"),
      "/api/v1/tracking/pings": await import("../../src/app/api/v1/tracking/pings/route"),
    };
    expect(Object.keys(modules).sort()).toEqual([...UNGATED_PATHS].sort());
    for (const [p, mod] of Object.entries(modules)) {
      const allowed = allowedMethods(p)!;
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
        const handler = mod[method] as Handler | undefined;
        expect(typeof handler, `${method} ${p}`).toBe("function");
        // The real handler for the documented methods; a stand-in for the rest.
        expect(isMethodNotAllowedHandler(handler), `${method} ${p}`).toBe(!allowed.includes(method));
        if (allowed.includes(method)) continue;
        const res = await handler!(new Request(`http://localhost${p}`, { method }));
        const gated = gateApiRequest(method, p)!;
        expect(res.status).toBe(405);
        expect(res.headers.get("allow")).toBe(gated.headers.get("allow"));
        expect(res.headers.get("content-type")).toMatch(/^application\/json/);
        expect(await res.json()).toEqual(await gated.json());
      }
      const options = await (mod.OPTIONS as Handler)(new Request(`http://localhost${p}`, { method: "OPTIONS" }));
      expect(options.status).toBe(204);
      expect(options.headers.get("allow")).toBe(allowed.join(", "));
    }
  });

  it("runs the proxy for every /api/v1 path except exactly the ungated hot paths", async () => {
    const { unstable_doesMiddlewareMatch } = await import("next/experimental/testing/server");
    const { config } = await import("../../src/proxy");
    const proxied = (url: string) => unstable_doesMiddlewareMatch({ config, url });
    for (const p of UNGATED_PATHS) {
      expect(proxied(p), p).toBe(false);
      expect(proxied(p + "/"), `${p}/`).toBe(true); // not the literal path: gated (then a JSON 404 from the catch-all)
      expect(proxied(p + "-x"), `${p}-x`).toBe(true);
    }
    for (const p of ["/api/v1/visits", "/api/v1/visits/12", "/api/v1/visits/%zz", "/api/v1/locations/validate", "/api/v1/tracking/trail", "/api/v1/no/such/thing"]) {
      expect(proxied(p), p).toBe(true);
    }
  });
});
