/**
 * Every API answer's X-Request-Id follows ONE rule (request-log.ts), whichever door answers: the routes' handler, the
 * gate that answers before routing (400 bad path, 405, TRACE) and the ungated hot paths' stand-ins (405, OPTIONS). A
 * trusted proxy's id (TRUST_PROXY_HOPS ≥ 1) is kept, so a support ticket finds the proxy's and the app's lines under
 * one id; without a proxy we run, the header is the client's own word and a fresh id replaces it, as does a malformed one.
 */
import { afterEach, describe, expect, it } from "vitest";
import { GET as checkInGet, OPTIONS as checkInOptions } from "../../src/app/api/v1/visits/check-in/route";
import { gateApiRequest } from "../../src/server/http/api-gate";
import { requestIdOf } from "../../src/server/http/request-log";
import { setTrustForTests } from "../../src/server/http/trust";

const PROXY_ID = "edge-7f3a9c:0001";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const req = (id: string | null, method = "GET") => new Request("http://localhost/api/v1/visits/check-in", { method, headers: id === null ? {} : { "x-request-id": id } });

/** The id each door gives a request carrying `id`. */
async function idsFor(id: string | null): Promise<Record<string, string | null>> {
  return {
    route: requestIdOf(req(id)),
    gateTrace: gateApiRequest("TRACE", "/api/v1/visits", id)!.headers.get("x-request-id"),
    gateWrongMethod: gateApiRequest("PUT", "/api/v1/visits/check-in", id)!.headers.get("x-request-id"),
    gateBadPath: gateApiRequest("GET", "/api/v1/visits/%zz", id)!.headers.get("x-request-id"),
    ungated405: (await checkInGet(req(id))).headers.get("x-request-id"),
    ungatedOptions: (await checkInOptions(req(id, "OPTIONS"))).headers.get("x-request-id"),
  };
}

describe("X-Request-Id: one trusted-proxy rule at every door", () => {
  afterEach(() => setTrustForTests(undefined));

  it("behind a trusted proxy, every door answers with the proxy's id", async () => {
    setTrustForTests({ proxyHops: 1 });
    for (const [door, id] of Object.entries(await idsFor(PROXY_ID))) expect(id, door).toBe(PROXY_ID);
  });

  it("without a trusted proxy, the client's id is never echoed: every door mints its own", async () => {
    setTrustForTests({ proxyHops: 0 });
    for (const [door, id] of Object.entries(await idsFor(PROXY_ID))) expect(id, door).toMatch(UUID);
  });

  it("a malformed or missing id is replaced even behind a proxy", async () => {
    setTrustForTests({ proxyHops: 1 });
    for (const bad of ["has space", "x".repeat(129), "", null]) {
      for (const [door, id] of Object.entries(await idsFor(bad))) expect(id, `${door} ${JSON.stringify(bad)}`).toMatch(UUID);
    }
  });
});
