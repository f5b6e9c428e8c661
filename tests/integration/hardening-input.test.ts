/**
 * Hostile input (issue #12 items 1, 4, 5, 6, 7, 8): body limits enforced while streaming and before any
 * credential work, one strict id rule, NUL/lone surrogates refused as 400, unknown people 404 (never an
 * audit foreign-key 500), JSON 404/405/400 for what the framework would answer outside the error shape,
 * and 503 + Retry-After when the database is gone.
 */
import { sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET as unknownGet, POST as unknownPost } from "../../src/app/api/v1/[...path]/route";
import { DELETE as revokeKeyRoute } from "../../src/app/api/v1/api-keys/[id]/route";
import { POST as createKeyRoute } from "../../src/app/api/v1/api-keys/route";
import { GET as auditRoute } from "../../src/app/api/v1/audit/route";
import { POST as loginRoute } from "../../src/app/api/v1/auth/login/route";
import { GET as personRoute } from "../../src/app/api/v1/personnel/[id]/route";
import { GET as personnelRoute, POST as createPersonRoute } from "../../src/app/api/v1/personnel/route";
import { GET as trailRoute } from "../../src/app/api/v1/tracking/trail/route";
import { GET as visitRoute } from "../../src/app/api/v1/visits/[id]/route";
import { POST as checkInRoute } from "../../src/app/api/v1/visits/check-in/route";
import { POST as checkOutRoute } from "../../src/app/api/v1/visits/check-out/route";
import { GET as visitsRoute } from "../../src/app/api/v1/visits/route";
import { createApiKey } from "../../src/server/auth/api-keys/create-api-key";
import { queryRows } from "../../src/server/db/client";
import { useDbHandle } from "../../src/server/db";
import { allowedMethods, gateApiRequest } from "../../src/server/http/api-gate";
import { findUnsafeInput } from "../../src/contracts/safe-text";
import type { Actor } from "../../src/server/auth/actor";
import { describeEachDriver, freshDb } from "../support/db";
import { call, ctxFor, isoAgo, makeLocation, makePerson, uuid, writeCounts } from "../support/visits-world";

const MB = 1024 * 1024;

/** A chunked body (no Content-Length) of `total` bytes made lazily, counting what the server pulled. */
function hugeStream(total: number, chunk = 64 * 1024) {
  const state = { pulled: 0, cancelled: false };
  const piece = new Uint8Array(chunk).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled >= total) return controller.close();
      state.pulled += piece.byteLength;
      controller.enqueue(piece);
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

type Handler = (req: Request, ctx: { params: Promise<never> }) => Promise<Response>;
async function send(handler: Handler, url: string, init: RequestInit & { duplex?: "half" }, params: Record<string, unknown> = {}) {
  const res = await handler(new Request(`http://localhost${url}`, init), { params: Promise.resolve(params) as Promise<never> });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : null };
}

describe("safe text and the route gate (pure)", () => {
  it("finds NUL, lone surrogates (both halves) and absurd nesting, and accepts paired surrogates", () => {
    expect(findUnsafeInput({ a: ["ok", "x\u0000y"] })).toEqual({ path: "a.1", reason: "unsafe_text" });
    expect(findUnsafeInput({ name: "\uD800" })).toEqual({ path: "name", reason: "unsafe_text" });
    expect(findUnsafeInput({ name: "a\uDC00" })).toEqual({ path: "name", reason: "unsafe_text" });
    expect(findUnsafeInput({ name: "emoji 😀 ok", n: 1 })).toBeNull();
    let deep: unknown = "x";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnsafeInput(deep)?.reason).toBe("too_deep");
  });

  it("answers TRACE, wrong methods and malformed percent-encoding in the error shape; lets the rest through", async () => {
    const trace = gateApiRequest("TRACE", "/api/v1/visits");
    expect(trace?.status).toBe(405);
    expect((await trace!.json()).error.code).toBe("METHOD_NOT_ALLOWED");
    const put = gateApiRequest("PUT", "/api/v1/visits/check-in");
    expect(put?.status).toBe(405);
    expect(put?.headers.get("allow")).toBe("OPTIONS, POST");
    const bad = gateApiRequest("GET", "/api/v1/visits/%zz");
    expect(bad?.status).toBe(400);
    expect((await bad!.json()).error.code).toBe("INVALID_PATH");
    expect(gateApiRequest("GET", "/api/v1/visits/12")).toBeNull();
    expect(gateApiRequest("HEAD", "/api/v1/visits/12")).toBeNull();
    expect(gateApiRequest("POST", "/api/v1/visits/check-in")).toBeNull();
    expect(gateApiRequest("GET", "/api/v1/no/such/thing")).toBeNull(); // → the catch-all's JSON 404
    expect(allowedMethods("/api/v1/personnel/7")).toEqual(["GET", "HEAD", "OPTIONS", "PATCH"]);
  });
});

describeEachDriver("hardening: hostile input", (ctx) => {
  let rep: Actor, manager: Actor, admin: Actor, loc: number, ownVisit: number;

  beforeAll(async () => {
    useDbHandle(ctx.handle);
    const db = ctx.handle.db;
    admin = await makePerson(db, "admin");
    manager = await makePerson(db, "manager", admin.id);
    rep = await makePerson(db, "rep", manager.id);
    loc = await makeLocation(db, 12.9716, 77.5946);
    const r = await call(checkInRoute, "/api/v1/visits/check-in", { as: rep.id, body: { client_id: uuid(), location_id: loc, lat: 12.9716, lon: 77.5946, accuracy_m: 8, captured_at: isoAgo(1000) } });
    expect(r.status).toBe(201);
    ownVisit = r.body.visit.id;
  });
  afterEach(() => useDbHandle(ctx.handle));

  describe("item 1: body limits while streaming, before authentication", () => {
    it("a 50 MB chunked body to a JSON route and to login is refused with 413 after about 1 MB, without growing memory", async () => {
      for (const [handler, url, headers] of [
        [checkInRoute, "/api/v1/visits/check-in", { "content-type": "application/json" }],
        [loginRoute, "/api/v1/auth/login", { "content-type": "application/json" }],
        // No credential at all, and a wrong one: the limit comes first either way.
        [checkInRoute, "/api/v1/visits/check-in", { "content-type": "application/json", authorization: "Bearer not-a-token" }],
      ] as const) {
        const before = process.memoryUsage().rss;
        const { stream, state } = hugeStream(50 * MB);
        const res = await send(handler as Handler, url, { method: "POST", headers, body: stream, duplex: "half" });
        const grown = process.memoryUsage().rss - before;
        expect(res.status, url).toBe(413);
        expect(res.body.error.code).toBe("PAYLOAD_TOO_LARGE");
        // Deterministic proof: the server stopped pulling just past the 1 MB limit and cancelled the upload.
        expect(state.pulled).toBeLessThanOrEqual(1_000_000 + 64 * 1024);
        expect(state.cancelled).toBe(true);
        expect(grown).toBeLessThan(20 * MB);
      }
    });

    it("an oversized body with a bad credential is 413, not 401: no credential work happens first", async () => {
      const res = await send(checkInRoute as Handler, "/api/v1/visits/check-in", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer forged" },
        body: "x".repeat(1_000_001),
      });
      expect(res.status).toBe(413);
    });
  });

  describe("item 4: one strict id rule for path, query and body", () => {
    const tooBig = "2147483648";
    it.each([tooBig, "0x10", "010", "+1", "1.0", "00001", "1e3", "0", "-1", " 1", "abc"])("path id %j → 400", async (raw) => {
      const v = await call(visitRoute, `/api/v1/visits/${encodeURIComponent(raw)}`, { as: admin.id, params: { id: raw } });
      expect(v.status).toBe(400);
      expect(v.body.error).toMatchObject({ code: "VALIDATION_FAILED", field: "id" });
      const k = await call(revokeKeyRoute, `/api/v1/api-keys/${encodeURIComponent(raw)}`, { as: admin.id, method: "DELETE", params: { id: raw } });
      expect(k.status).toBe(400);
      const p = await call(personRoute, `/api/v1/personnel/${encodeURIComponent(raw)}`, { as: admin.id, params: { id: raw } });
      expect(p.status).toBe(400);
    });

    it("DELETE /api-keys/0x10 does not revoke key 16 (nor any key)", async () => {
      const keys = [];
      for (let i = 0; i < 17; i++) keys.push((await createApiKey(ctxFor(ctx.handle.db, admin), { client_id: uuid(), name: `k${i}`, access: "read" })).key.id);
      const before = await queryRows<{ n: number }>(ctx.handle.db, sql`SELECT count(*)::int AS n FROM api_keys WHERE revoked_at IS NOT NULL`);
      for (const raw of ["0x10", "010", "+16", "16.0", "0016"]) {
        const r = await call(revokeKeyRoute, `/api/v1/api-keys/${raw}`, { as: admin.id, method: "DELETE", params: { id: raw } });
        expect(r.status, raw).toBe(400);
      }
      const after = await queryRows<{ n: number }>(ctx.handle.db, sql`SELECT count(*)::int AS n FROM api_keys WHERE revoked_at IS NOT NULL`);
      expect(after[0]!.n).toBe(before[0]!.n);
      // A well-formed id that does not exist is a 404.
      expect((await call(revokeKeyRoute, "/api/v1/api-keys/2147483647", { as: admin.id, method: "DELETE", params: { id: "2147483647" } })).status).toBe(404);
      expect((await call(visitRoute, "/api/v1/visits/2147483647", { as: admin.id, params: { id: "2147483647" } })).status).toBe(404);
    });

    it("query ids above 2147483647 or not canonical are 400 (never 500)", async () => {
      for (const [handler, url] of [
        [visitsRoute, "/api/v1/visits?personnel_id="],
        [personnelRoute, "/api/v1/personnel?manager_id="],
        [auditRoute, "/api/v1/audit?actor_id="],
        [auditRoute, "/api/v1/audit?target_personnel_id="],
        [trailRoute, "/api/v1/tracking/trail?personnel_id="],
      ] as const) {
        for (const raw of ["2147483648", "99999999999999999999", "0x10", "1.0", "+1", "010"]) {
          const r = await call(handler, url + encodeURIComponent(raw), { as: admin.id });
          expect(r.status, url + raw).toBe(400);
          expect(r.body.error.code).toBe("VALIDATION_FAILED");
        }
      }
    });

    it("body ids above 2147483647 are 400 and write nothing", async () => {
      const before = await writeCounts(ctx.handle.db);
      const out = await call(checkOutRoute, "/api/v1/visits/check-out", { as: rep.id, body: { client_id: uuid(), visit_id: 2147483648, lat: 12.9716, lon: 77.5946, accuracy_m: 8, captured_at: isoAgo(1000) } });
      expect(out.status).toBe(400);
      expect(out.body.error.field).toBe("visit_id");
      const inn = await call(checkInRoute, "/api/v1/visits/check-in", { as: rep.id, body: { client_id: uuid(), location_id: 1e309, lat: 12.9716, lon: 77.5946, accuracy_m: 8, captured_at: isoAgo(1000) } });
      expect(inn.status).toBe(400);
      const person = await call(createPersonRoute, "/api/v1/personnel", { as: admin.id, body: { client_id: uuid(), name: "N", email: `n-${uuid()}@x.test`, role: "rep", manager_id: 2147483648 } });
      expect(person.status).toBe(400);
      expect(person.body.error.field).toBe("manager_id");
      expect(await writeCounts(ctx.handle.db)).toEqual(before);
    });
  });

  describe("item 5: NUL and lone surrogates are 400 at validation, for every string", () => {
    it("refuses them in the unauthenticated login, API key names, personnel names and ?q=", async () => {
      const login = await send(loginRoute as Handler, "/api/v1/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: '{"email":"\\u0000","password":"x"}' });
      expect(login.status).toBe(400);
      expect(login.body.error).toMatchObject({ code: "VALIDATION_FAILED", field: "email" });
      const surrogate = await send(loginRoute as Handler, "/api/v1/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: '{"email":"a@b.test","password":"\\ud800"}' });
      expect(surrogate.status).toBe(400);
      const key = await call(createKeyRoute, "/api/v1/api-keys", { as: admin.id, raw: '{"client_id":"' + uuid() + '","name":"bad\\u0000name","access":"read"}' });
      expect(key.status).toBe(400);
      expect(key.body.error.field).toBe("name");
      const person = await call(createPersonRoute, "/api/v1/personnel", { as: admin.id, raw: JSON.stringify({ client_id: uuid(), name: "x", email: `s-${uuid()}@x.test`, role: "admin" }).replace('"name":"x"', '"name":"\\udc00x"') });
      expect(person.status).toBe(400);
      const q = await call(personnelRoute, "/api/v1/personnel?q=%00", { as: admin.id });
      expect(q.status).toBe(400);
      expect(q.body.error.field).toBe("q");
      const notes = await call(checkInRoute, "/api/v1/visits/check-in", { as: rep.id, raw: JSON.stringify({ client_id: uuid(), location_id: loc, lat: 1, lon: 1, accuracy_m: 1, captured_at: isoAgo(1000), notes: "N" }).replace('"N"', '"\\u0000"') });
      expect(notes.status).toBe(400);
      expect(notes.body.error.field).toBe("notes");
    });

    it("invalid UTF-8 in a body is INVALID_JSON (400)", async () => {
      const res = await send(loginRoute as Handler, "/api/v1/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("INVALID_JSON");
    });
  });

  describe("item 6: a trail of nobody", () => {
    it("is 404 for an admin (no audit foreign-key 500) and writes no audit row", async () => {
      const [before] = await queryRows<{ n: number }>(ctx.handle.db, sql`SELECT count(*)::int AS n FROM audit_log`);
      const r = await call(trailRoute, "/api/v1/tracking/trail?personnel_id=999999", { as: admin.id });
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe("NOT_FOUND");
      const [after] = await queryRows<{ n: number }>(ctx.handle.db, sql`SELECT count(*)::int AS n FROM audit_log`);
      expect(after!.n).toBe(before!.n);
      // And an existing person's trail still is audited.
      expect((await call(trailRoute, `/api/v1/tracking/trail?personnel_id=${rep.id}`, { as: manager.id })).status).toBe(200);
    });
  });

  describe("item 7: unknown /api/v1 paths", () => {
    it("answer a JSON 404 in the error shape for every method", async () => {
      const get = await send(unknownGet as Handler, "/api/v1/nope", { method: "GET" }, { path: ["nope"] });
      expect(get.status).toBe(404);
      expect(get.headers.get("content-type")).toMatch(/^application\/json/);
      expect(get.body.error.code).toBe("NOT_FOUND");
      const post = await send(unknownPost as Handler, "/api/v1/visits/x/y", { method: "POST", body: "{}" }, { path: ["visits", "x", "y"] });
      expect(post.status).toBe(404);
      expect(post.headers.get("cache-control")).toBe("no-store");
    });
  });

  describe("item 8: the database is gone", () => {
    it("answers 503 with Retry-After in the error shape, not 500", async () => {
      const gone = await freshDb(ctx.driver);
      await gone.drop(); // closed (and on PostgreSQL, dropped): every query now fails to connect
      useDbHandle(gone.handle);
      const token = (await import("../../src/server/auth/tokens")).issueAccessToken;
      const r = await send(visitsRoute as Handler, "/api/v1/visits", { method: "GET", headers: { authorization: `Bearer ${await token(rep.id, new Date())}` } });
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe("SERVICE_UNAVAILABLE");
      expect(r.headers.get("retry-after")).toBe("5");
      const login = await send(loginRoute as Handler, "/api/v1/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "a@b.test", password: "x" }) });
      expect(login.status).toBe(503);
    }, 240_000); // opens and drops a whole database: slow on a busy machine
  });

  it("own visit still reads fine (sanity of the fixtures above)", async () => {
    expect((await call(visitRoute, `/api/v1/visits/${ownVisit}`, { as: rep.id, params: { id: String(ownVisit) } })).status).toBe(200);
  });
});
