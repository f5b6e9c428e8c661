/**
 * The production server's lean door (scripts/door.mjs, issue #23) run in-process over real HTTP with the very route
 * modules Next compiles, on both drivers. The hot routes answer through the door exactly as their handlers do (status,
 * error shape, Allow, rate-limit and security headers, bodies); methods Next cannot parse get the gate's JSON 405 on
 * every path; the socket's address reaches the app through the door's own header on both doors, never the client's.
 * "Next" here is a stand-in that hands the request to the route handler as Next does (a web Request with the node
 * headers): the real Next behind the real door is tests/e2e/two-doors.spec.ts, on the built app.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { createDoor, DOOR_MARK, LEAN_PATHS, PEER_HEADER } from "../../scripts/door.mjs";
import * as health from "../../src/app/api/health/route";
import * as checkIn from "../../src/app/api/v1/visits/check-in/route";
import * as checkOut from "../../src/app/api/v1/visits/check-out/route";
import * as nearby from "../../src/app/api/v1/locations/nearby/route";
import * as pings from "../../src/app/api/v1/tracking/pings/route";
import * as login from "../../src/app/api/v1/auth/login/route";
import * as me from "../../src/app/api/v1/auth/me/route";
import { issueAccessToken } from "../../src/server/auth/tokens";
import { setApiRateLimitForTests } from "../../src/server/auth/rate-limit";
import { useDbHandle } from "../../src/server/db";
import { gateApiRequest } from "../../src/server/http/api-gate";
import { setTrustForTests } from "../../src/server/http/trust";
import { describeEachDriver } from "../support/db";
import { makeLocation, makePerson } from "../support/visits-world";
import { emailOf, makePeople, PASSWORD, type People } from "./api-auth-support";

type Mod = Record<string, unknown>;
type RouteFn = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const routes = new Map<string, Mod>([
  ["/api/health", health],
  ["/api/v1/visits/check-in", checkIn],
  ["/api/v1/visits/check-out", checkOut],
  ["/api/v1/locations/nearby", nearby],
  ["/api/v1/tracking/pings", pings],
]);
// What the stand-in for Next serves (the Next door): the same route modules, plus two that only Next serves.
const nextRoutes = new Map<string, Mod>([...routes, ["/api/v1/auth/login", login], ["/api/v1/auth/me", me]]);
const seenByNext: http.IncomingHttpHeaders[] = [];

/** Next's door, as far as a route handler can tell: a web Request with the node request's headers and body. */
async function nextStandIn(req: http.IncomingMessage, res: http.ServerResponse) {
  seenByNext.push({ ...req.headers });
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const handler = nextRoutes.get(url.pathname)?.[req.method ?? "GET"] as RouteFn | undefined;
  if (!handler) return void res.writeHead(404).end();
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  const response = await handler(new Request(url, { method: req.method, headers, body }), { params: Promise.resolve({}) });
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

let server: http.Server;
let base = "";
beforeAll(async () => {
  server = http.createServer(createDoor({ routes, gate: gateApiRequest, next: nextStandIn }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  delete (globalThis as Record<symbol, unknown>)[DOOR_MARK];
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** A JSON POST through the door from a given local address (the socket's peer address the door sees). */
function post(path: string, json: unknown, localAddress: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = http.request(base + path, { method: "POST", localAddress, headers: { "content-type": "application/json", ...headers } }, (m) => {
      m.resume();
      m.on("end", () => resolve(m.statusCode ?? 0));
    });
    r.on("error", reject);
    r.end(JSON.stringify(json));
  });
}

/** Headers that describe the answer (not the connection or the moment). */
/**
 * The headers both doors must agree on. X-Request-Id is new on every answer by design: both doors must send one (a
 * UUID, since nothing trusted supplied one), and its value is left out of the comparison.
 */
const contractHeaders = (h: Headers) => {
  expect(h.get("x-request-id")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  return Object.fromEntries([...h].filter(([k]) => !["date", "connection", "keep-alive", "transfer-encoding", "content-length", "x-request-id"].includes(k)));
};

/** The same request through the door (HTTP) and straight to the route handler: status, headers and body. */
async function both(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const viaDoor = await fetch(base + path, init);
  const handler = (routes.get(path.split("?")[0]!)![init.method ?? "GET"] ?? routes.get(path.split("?")[0]!)!.GET) as RouteFn;
  const direct = await handler(new Request(base + path, init), { params: Promise.resolve({}) });
  return {
    door: { status: viaDoor.status, headers: contractHeaders(viaDoor.headers), body: await viaDoor.text() },
    direct: { status: direct.status, headers: contractHeaders(direct.headers), body: init.method === "HEAD" ? "" : await direct.text() },
  };
}

it("serves exactly the hot paths itself: the route modules for them are the ones the route files export", () => {
  expect([...routes.keys()].sort()).toEqual([...LEAN_PATHS].sort());
});

it("answers TRACE and other methods Next cannot parse with the gate's JSON 405, on API paths, unknown paths and pages", async () => {
  for (const [method, path] of [["TRACE", "/api/v1/visits/check-in"], ["TRACE", "/api/v1/visits"], ["TRACE", "/api/v1/no/such"], ["TRACE", "/login"], ["PROPFIND", "/api/v1/locations/nearby"], ["TRACE", "/api/v1/visits/%zz"]] as const) {
    const res = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const r = http.request(base + path, { method }, (m) => {
        let body = "";
        m.on("data", (c) => (body += c));
        m.on("end", () => resolve({ status: m.statusCode ?? 0, headers: m.headers, body }));
      });
      r.on("error", reject);
      r.end();
    });
    const gated = gateApiRequest(method, path)!;
    expect(res.status, `${method} ${path}`).toBe(gated.status);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.headers.allow).toBe(gated.headers.get("allow") ?? undefined);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(JSON.parse(res.body)).toEqual(await gated.json());
  }
  expect(seenByNext.length).toBe(0);
});

describeEachDriver("the lean door", (ctx) => {
  let people: People;
  afterEach(() => {
    setApiRateLimitForTests(undefined);
    setTrustForTests(undefined);
  });
  beforeAll(async () => {
    people = await makePeople(ctx.handle.db);
  });

  it("answers the hot routes exactly as their handlers do: successes, replays, errors, Allow, rate-limit and security headers", async () => {
    useDbHandle(ctx.handle);
    const rep = await makePerson(ctx.handle.db, "rep");
    const place = await makeLocation(ctx.handle.db, 12.9716, 77.5946, 60);
    const auth = { authorization: `Bearer ${await issueAccessToken(rep.id, new Date())}` };
    const json = { ...auth, "content-type": "application/json" };
    // Each pair's two requests share the rep's budget (and a minute's window may turn between them): the counters
    // differ by what happened in between; their presence, the limit and everything else are the same.
    const sameButCounters = (a: Record<string, string>, b: Record<string, string>) => {
      const counters = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => k === "x-ratelimit-remaining" || k === "x-ratelimit-reset"));
      const rest = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => !(k in counters(h))));
      expect(rest(a)).toEqual(rest(b));
      expect(Object.keys(counters(a))).toEqual(Object.keys(counters(b)));
      for (const v of [...Object.values(counters(a)), ...Object.values(counters(b))]) expect(v).toMatch(/^\d+$/);
    };
    const cases: [string, RequestInit & { headers?: Record<string, string> }][] = [
      ["/api/v1/locations/nearby?lat=12.9716&lon=77.5946&radius_m=5000", { headers: auth }],
      ["/api/v1/locations/nearby?lat=999&lon=77.5946", { headers: auth }],
      ["/api/v1/locations/nearby?lat=12.9716&lon=77.5946", { method: "HEAD", headers: auth }],
      ["/api/v1/locations/nearby?lat=12.9716&lon=77.5946", {}],
      ["/api/v1/visits/check-in", { method: "GET", headers: auth }],
      ["/api/v1/visits/check-in", { method: "OPTIONS" }],
      ["/api/v1/visits/check-in", { method: "POST", headers: { ...auth, "content-type": "text/plain" }, body: "{}" }],
      ["/api/v1/visits/check-in", { method: "POST", headers: json, body: "{not json" }],
      ["/api/v1/visits/check-out", { method: "POST", headers: json, body: JSON.stringify({ client_id: randomUUID(), visit_id: 2_000_000_000, lat: 12.97, lon: 77.59, accuracy_m: 5, captured_at: new Date().toISOString() }) }],
      ["/api/v1/tracking/pings", { method: "PUT", headers: json, body: "{}" }],
      ["/api/v1/tracking/pings", { method: "POST", headers: json, body: JSON.stringify({ pings: [] }) }],
    ];
    for (const [path, init] of cases) {
      const { door, direct } = await both(path, init);
      expect(door.status, `${init.method ?? "GET"} ${path}`).toBe(direct.status);
      sameButCounters(door.headers, direct.headers);
      expect(door.body, `${init.method ?? "GET"} ${path}`).toBe(direct.body);
    }

    // A check-in through the door, then the same client_id straight to the handler: the first answer, replayed.
    const body = JSON.stringify({ client_id: randomUUID(), location_id: place, lat: 12.9716, lon: 77.5946, accuracy_m: 8, captured_at: new Date().toISOString() });
    const first = await fetch(base + "/api/v1/visits/check-in", { method: "POST", headers: json, body });
    expect(first.status).toBe(201);
    expect(first.headers.get("x-ratelimit-limit")).toBe("100");
    const replay = await (checkIn.POST as RouteFn)(new Request(base + "/api/v1/visits/check-in", { method: "POST", headers: json, body }), { params: Promise.resolve({}) });
    expect(replay.status).toBe(200);
    expect(await replay.text()).toBe(await first.text());
  });

  it("413 for a body past the limit, before any credential work, as the handler answers it", async () => {
    useDbHandle(ctx.handle);
    const { door, direct } = await both("/api/v1/tracking/pings", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pad: "x".repeat(1_100_000) }) });
    expect(door.status).toBe(413);
    expect(door).toEqual(direct);
  });

  it("the socket's address reaches the app through both doors; a client's own header is overwritten, never believed", async () => {
    useDbHandle(ctx.handle);
    setTrustForTests({ proxyHops: 0, publicUrl: undefined });
    setApiRateLimitForTests(3);
    seenByNext.length = 0;
    // Next's door: the header it receives is the socket's address, whatever the client sent.
    await fetch(base + "/api/v1/auth/me", { headers: { [PEER_HEADER]: "203.0.113.1", authorization: "Bearer junk" } });
    expect(seenByNext.at(-1)?.[PEER_HEADER]).toBe("127.0.0.1");
    // Rotating the header does not make new callers: the anonymous limit of 127.0.0.1 counts them all, on either door.
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const path = i % 2 ? "/api/v1/auth/me" : "/api/v1/locations/nearby?lat=1&lon=1";
      statuses.push((await fetch(base + path, { headers: { [PEER_HEADER]: `198.18.0.${i}`, authorization: "Bearer junk" } })).status);
    }
    expect(statuses).toEqual([401, 401, 429]);
    // Without the door in the process (next start, next dev, serverless), the header is only a claim: no address.
    const mark = (globalThis as Record<symbol, unknown>)[DOOR_MARK];
    delete (globalThis as Record<symbol, unknown>)[DOOR_MARK];
    try {
      for (let i = 0; i < 5; i++) {
        const res = await (me.GET as RouteFn)(new Request(base + "/api/v1/auth/me", { headers: { [PEER_HEADER]: "127.0.0.1", authorization: "Bearer junk" } }), { params: Promise.resolve({}) });
        expect(res.status).toBe(401);
      }
    } finally {
      (globalThis as Record<symbol, unknown>)[DOOR_MARK] = mark;
    }
  });

  it("sign-in through Next's door knows the caller's address: a spray locks the sprayer's address, not another's admin", async () => {
    useDbHandle(ctx.handle);
    setTrustForTests({ proxyHops: 0, publicUrl: undefined });
    const signIn = (email: string, password: string, from: string) => post("/api/v1/auth/login", { email, password }, from, { [PEER_HEADER]: "10.0.0.1" });
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push(await signIn(`nobody-${i}-${people.tag}@auth.test`, "wrong-guess", "127.0.0.3"));
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses[20]).toBe(429); // 127.0.0.3 sprayed and is locked (the header it sent changed nothing)
    // The admin, who never signed in before, from another address: the lock is the sprayer's alone.
    const elsewhere = await signIn(emailOf(people, "admin"), PASSWORD, "127.0.0.4");
    expect(elsewhere).toBe(200);
  });
});
