/**
 * Schema-driven fuzz of every /api/v1 operation (issue #12), read from /api/v1/openapi.json so routes
 * added later are covered without touching this file. Each operation gets FUZZ_PER_OP hostile requests
 * (wrong types, missing fields, huge and negative numbers, 1e309, NUL/surrogates, 1 MB strings, deep
 * nesting, invalid JSON, wrong content types, hostile path and query values) as anonymous, a rep and an
 * admin. Asserted: no 5xx, the error shape on every 4xx, and a refused request wrote nothing.
 * Seeded (FUZZ_SEED) so a failure reproduces; the failing request is printed.
 * Operations it cannot drive in-process (multipart uploads, event streams) are skipped by content type.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { GET as openapiRoute } from "../../src/app/api/v1/openapi.json/route";
import { setApiRateLimitForTests } from "../../src/server/auth/rate-limit";
import { issueAccessToken } from "../../src/server/auth/tokens";
import { queryRows, useDbHandle } from "../../src/server/db";
import { gateApiRequest } from "../../src/server/http/api-gate";
import { describeEachDriver } from "../support/db";
import { makeLocation, makePerson } from "../support/visits-world";
import { seededRandom } from "../../src/lib/routing/rng";

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
// 201 = 67 per actor: at least 200 per operation, and over 5,000 requests for the 25 operations documented now.
const PER_OP = Number(process.env.FUZZ_PER_OP ?? 201);
const API_DIR = path.resolve(import.meta.dirname, "../../src/app/api/v1");

type Json = Record<string, unknown>;
type Op = { method: string; path: string; file: string; body?: Json; query: Json[]; multipart: boolean };

/** mulberry32: small, fast, seedable (the route optimiser's generator). */
const rng = seededRandom;

/** /api/v1/visits/{id} → src/app/api/v1/visits/[id]/route.ts (null when no such file: skipped). */
function routeFile(apiPath: string): string | null {
  let dir = API_DIR;
  for (const seg of apiPath.replace(/^\/api\/v1\/?/, "").split("/").filter(Boolean)) {
    const names = readdirSync(dir);
    const name = /^\{\w+\}$/.test(seg) ? names.find((n) => n === `[${seg.slice(1, -1)}]`) : names.find((n) => n === seg);
    if (!name) return null;
    dir = path.join(dir, name);
  }
  return readdirSync(dir).includes("route.ts") ? path.join(dir, "route.ts") : null;
}

const MB_STRING = "x".repeat(1_000_000);
const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
const HOSTILE_VALUES: unknown[] = [
  null, "", "\u0000", "a\u0000b", "\ud800", "\udc00x", -1, 0, 2147483648, -2147483649, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2,
  "0x10", "010", "+1", "1e3", " 1", "NaN", "Infinity", true, false, [], {}, [1, 2], { a: { b: { c: 1 } } }, "2026-13-45T99:99:99Z",
  "' OR 1=1 --", "<script>", "../../etc/passwd", "😀", "ﾠ", "\u202e", "x".repeat(300),
];
/** Impossible calendar dates and instants (issue #17.4: `?from=2026-02-31` was a 500). */
const IMPOSSIBLE_DATES = ["2026-02-31", "2025-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "0000-01-01", "2026-02-30T10:00:00Z", "2026-06-31T25:61:00+05:30"];
/** Integers just outside an `integer` column (issue #17.4: a dashboard `manager_id` above 2,147,483,647 was a 500). */
const OUT_OF_RANGE_IDS = ["2147483648", "4294967296", "9007199254740993", "-2147483649"];
const HOSTILE_PARAMS = ["0", "-1", "99999999999999999999", "0x10", "010", "+1", "1.0", "1e3", "abc", "%00", "\u0000", "\ud800", "", " ", "1 ", "１", ...IMPOSSIBLE_DATES, ...OUT_OF_RANGE_IDS];
const RAW_BODIES = ['{"a":1e309}', "{", "[]", "null", "1", '"x"', "{'a':1}", "\u0000", deep(5000), `{"a":${deep(200)}}`, '{"__proto__":{"x":1}}', "{\"a\":\"\\ud800\"}"];

type Req = { method: string; url: string; params: Record<string, string>; headers: Record<string, string>; body?: string };

function makeRequest(op: Op, r: () => number, pick: <T>(xs: T[]) => T): Req {
  const params: Record<string, string> = {};
  let url = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = r() < 0.3 ? String(1 + Math.floor(r() * 5)) : pick(HOSTILE_PARAMS);
    params[name] = v;
    try {
      return encodeURIComponent(v);
    } catch {
      return "%ED%A0%80"; // a lone surrogate has no UTF-8 form: send the bytes a broken client would
    }
  });
  const q = new URLSearchParams();
  for (const name of op.query.map((p) => String(p.name))) if (r() < 0.6) q.set(name, r() < 0.5 ? pick(HOSTILE_PARAMS) : String(pick(HOSTILE_VALUES)).slice(0, 2000));
  if (r() < 0.1) q.set("unknown_param", pick(HOSTILE_PARAMS));
  if ([...q].length) url += "?" + q.toString();
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (op.body || (op.method !== "GET" && r() < 0.3)) {
    const kind = r();
    headers["content-type"] = r() < 0.9 ? "application/json" : pick(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16"]);
    if (kind < 0.15) body = pick(RAW_BODIES);
    else if (kind < 0.18) body = JSON.stringify({ s: MB_STRING });
    else {
      const props = Object.keys((op.body?.properties as Json | undefined) ?? { x: 1 });
      const obj: Json = {};
      for (const p of props) if (r() < 0.8) obj[p] = pick(HOSTILE_VALUES);
      if (r() < 0.2) obj[pick(props)] = MB_STRING.slice(0, 200_000);
      body = JSON.stringify(obj);
    }
  }
  return { method: op.method, url, params, headers, body };
}

async function fingerprint(db: Parameters<typeof queryRows>[0], withAudit: boolean): Promise<string> {
  const tables = ["visits", "location_validations", "events", "daily_sessions", "idempotency_keys", "personnel", "api_keys", "location_pings", "refresh_tokens", "mfa_recovery_codes", "planned_visits", "plan_days", "beats"];
  if (withAudit) tables.push("audit_log");
  const [row] = await queryRows<Json>(db, sql.raw(`SELECT ${tables.map((t) => `(SELECT count(*) FROM ${t})::text AS ${t}`).join(", ")}, (SELECT coalesce(max(updated_at)::text, '') FROM personnel) AS p_upd, (SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL)::text AS revoked`));
  return JSON.stringify(row);
}

describeEachDriver("fuzz: every operation of the OpenAPI document", (ctx) => {
  let ops: Op[] = [];
  const skipped: string[] = [];
  const auth: Record<string, Record<string, string>> = { anonymous: {} };

  beforeAll(async () => {
    useDbHandle(ctx.handle);
    setApiRateLimitForTests(10_000_000);
    const admin = await makePerson(ctx.handle.db, "admin");
    const manager = await makePerson(ctx.handle.db, "manager", admin.id);
    const rep = await makePerson(ctx.handle.db, "rep", manager.id);
    await makeLocation(ctx.handle.db, 12.9716, 77.5946);
    auth.rep = { authorization: `Bearer ${await issueAccessToken(rep.id, new Date())}` };
    auth.admin = { authorization: `Bearer ${await issueAccessToken(admin.id, new Date())}` };
    const res = await openapiRoute(new Request("http://localhost/api/v1/openapi.json"), { params: Promise.resolve({}) });
    const doc = (await res.json()) as { paths: Record<string, Record<string, Json>> };
    for (const [p, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const content = ((op.requestBody as Json | undefined)?.content ?? {}) as Record<string, { schema?: Json }>;
        const responses = JSON.stringify(op.responses ?? {});
        const file = routeFile(p);
        if (!file || responses.includes("text/event-stream")) {
          skipped.push(`${method.toUpperCase()} ${p}`);
          continue;
        }
        const params = ((op.parameters as Json[] | undefined) ?? []).filter((x) => x.in === "query");
        ops.push({ method: method.toUpperCase(), path: p, file, body: content["application/json"]?.schema, query: params, multipart: !!content["multipart/form-data"] });
      }
    }
    ops = ops.sort((a, b) => (a.method + a.path < b.method + b.path ? -1 : 1));
  });
  afterAll(() => setApiRateLimitForTests(undefined));

  it(`sends ${PER_OP} hostile requests per operation (seed ${SEED}): no 5xx, the error shape on every 4xx, nothing written by a refusal`, async () => {
    const r = rng(SEED);
    const pick = <T,>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
    const failures: string[] = [];
    let sent = 0;
    expect(ops.length).toBeGreaterThanOrEqual(20);
    for (const op of ops) {
      const mod = (await import(op.file)) as Record<string, (req: Request, c: { params: Promise<unknown> }) => Promise<Response>>;
      const handler = mod[op.method];
      if (!handler) {
        failures.push(`${op.method} ${op.path}: documented but not exported`);
        continue;
      }
      const isAuthRoute = op.path.startsWith("/api/v1/auth/");
      const mutating = op.method !== "GET";
      // The database as it stands before the next request: re-read only after a request (one query per request).
      let state = mutating ? await fingerprint(ctx.handle.db, !isAuthRoute) : "";
      for (let i = 0; i < PER_OP; i++) {
        const who = (["anonymous", "rep", "admin"] as const)[i % 3]!;
        const q = makeRequest(op, r, pick);
        const req = new Request(`http://localhost${q.url}`, { method: q.method, headers: { ...q.headers, ...auth[who] }, body: q.body });
        const res = await handler(req, { params: Promise.resolve(q.params) });
        sent++;
        const text = await res.text();
        const label = `${who} ${q.method} ${q.url.slice(0, 200)} body=${(q.body ?? "").slice(0, 200)} → ${res.status} ${text.slice(0, 200)}`;
        if (res.status >= 500) failures.push(label);
        else if (res.status >= 400) {
          let shape = false;
          try {
            const j = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
            shape = typeof j.error?.code === "string" && typeof j.error?.message === "string";
          } catch {
            shape = false;
          }
          if (!shape) failures.push("not the error shape: " + label);
        }
        if (mutating) {
          const after = await fingerprint(ctx.handle.db, !isAuthRoute);
          if (res.status >= 400 && after !== state) failures.push("a refused request wrote: " + label);
          state = after;
        }
        if (failures.length > 20) break;
      }
      // Odd methods on the same path answer in the error shape too (the proxy gate, before routing).
      for (const m of ["TRACE", "PROPFIND", "CONNECT", "FOO"]) {
        const g = gateApiRequest(m, op.path.replace(/\{\w+\}/g, "1"));
        if (g?.status !== 405 || !(await g.json()).error?.code) failures.push(`${m} ${op.path} → ${g?.status}`);
      }
    }
    console.log(`fuzz [${ctx.driver}]: ${sent} requests over ${ops.length} operations, seed ${SEED}; skipped: ${skipped.join(", ") || "none"}`);
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(ops.length * 200);
  }, 900_000);

  it("answers every impossible date and out-of-range id in any query parameter with a 400 naming the field (never a 5xx)", async () => {
    const failures: string[] = [];
    let sent = 0;
    for (const op of ops.filter((o) => o.method === "GET" && o.query.length > 0)) {
      const mod = (await import(op.file)) as Record<string, (req: Request, c: { params: Promise<unknown> }) => Promise<Response>>;
      const params: Record<string, string> = {};
      const base = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => (params[name] = "1"));
      for (const name of op.query.map((p) => String(p.name))) {
        for (const value of [...IMPOSSIBLE_DATES, ...OUT_OF_RANGE_IDS]) {
          const url = `http://localhost${base}?${new URLSearchParams({ [name]: value })}`;
          const res = await mod.GET!(new Request(url, { headers: auth.admin }), { params: Promise.resolve(params) });
          sent++;
          const body = (await res.json().catch(() => null)) as { error?: { code?: string; field?: string } } | null;
          // A value the parameter accepts (a free-text filter) may answer 200; a refusal must be a 400 naming a field
          // (this one, or a required one the request lacks).
          if (res.status >= 500 || (res.status === 400 && !body?.error?.field) || (res.status >= 400 && res.status !== 400 && res.status !== 404)) {
            failures.push(`GET ${base}?${name}=${value} → ${res.status} ${JSON.stringify(body)}`);
          }
        }
      }
    }
    expect(sent).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  }, 300_000);

  it("refuses ?from=2026-02-31 and a dashboard manager_id above 2,147,483,647 with 400 and the field", async () => {
    const { GET } = await import("../../src/app/api/v1/dashboard/team-summary/route");
    for (const [q, field] of [["from=2026-02-31", "from"], ["to=2025-02-29", "to"], ["manager_id=2147483648", "manager_id"]] as const) {
      const res = await GET(new Request(`http://localhost/api/v1/dashboard/team-summary?${q}`, { headers: auth.admin }), { params: Promise.resolve({}) });
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: { field?: string } }).error.field, q).toBe(field);
    }
  });
});
