/**
 * The idempotency contract (issue #17.1), like the authorization matrix: every mutating operation of the OpenAPI
 * document and every server action must have an entry here, and each entry proves through the real door:
 *   - same client_id + same body → the first answer (fields that are fresh per answer aside), nothing written twice;
 *   - same client_id + another (valid) body → 409 CLIENT_ID_REUSED, nothing written.
 * "Nothing written" is a fingerprint of every table's content (and of the photo store), not a row count, so an
 * UPDATE counts too. A new mutating route or action without an entry fails the first assertions; an operation that
 * is not keyed by a client_id must be listed in EXEMPT with the reason.
 */
import { randomUUID } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Actor } from "../../src/server/auth/actor";
import { issueAccessToken } from "../../src/server/auth/tokens";
import { queryRows, useDbHandle } from "../../src/server/db";
import { invokeAction, type ActionDef } from "../../src/server/http/action";
import { buildOpenApiDocument } from "../../src/server/http/openapi";
import { describeEachDriver } from "../support/db";
import { canvasJpeg, selfieForm, selfieMeta, tempStorage } from "../support/photos-world";
import { makeLocation, makePerson } from "../support/visits-world";

const ROOT = path.resolve(__dirname, "../..");
const BASE = "http://localhost";
const MUTATING = ["post", "put", "patch", "delete"];

type Db = Parameters<typeof queryRows>[0];
type Who = "rep" | "manager" | "admin";
type Fx = { db: Db; ids: Record<"rep01" | "manager1" | "admin", number>; actors: Record<Who, Actor>; locationId: number; lat: number; lon: number };
/** One request: a JSON body or a multipart form (built fresh per call), with the path's parameters. */
type Call = { url: string; params?: Record<string, string>; body?: unknown; form?: () => Promise<FormData> };
/** The same request twice and another request under the same client_id; `fresh` lists answer fields that differ per answer by design. */
type Case = { as: Who; make: (fx: Fx, clientId: string) => Promise<{ same: Call; other: Call }>; fresh?: string[]; perItem?: true };
type ActionCase = { as: Who; make: (fx: Fx, clientId: string) => Promise<{ same: unknown; other: unknown }>; fresh?: string[] };

const iso = (msAgo = 0) => new Date(Date.now() - msAgo).toISOString();
const fix = (fx: Fx) => ({ lat: fx.lat, lon: fx.lon, accuracy_m: 8, captured_at: iso(1_000) });

async function closeOpenVisits(fx: Fx) {
  await fx.db.execute(sql`UPDATE visits SET check_out_time = now(), duration_minutes = 0 WHERE check_in_time IS NOT NULL AND check_out_time IS NULL`);
}

/** A visit of rep01 checked in a minute ago (open, or closed just now), without a selfie. */
async function visitOfRep01(fx: Fx, open: boolean): Promise<number> {
  if (open) await closeOpenVisits(fx);
  const [row] = await queryRows<{ id: number }>(
    fx.db,
    sql`INSERT INTO visits (personnel_id, location_id, planned_date, check_in_time, check_out_time, check_in_coords, client_id, validation_status, validated)
        VALUES (${fx.ids.rep01}, ${fx.locationId}, current_date, now() - interval '1 minute', ${open ? null : sql`now()`},
                ST_SetSRID(ST_MakePoint(${fx.lon}, ${fx.lat}), 4326)::geography, ${randomUUID()}, 'VALID', true) RETURNING id`,
  );
  return row!.id;
}

/** rep01's days closed (a start then opens one), or exactly one open day started two hours ago (an end then closes it). */
async function dayOfRep01(fx: Fx, open: boolean) {
  await closeOpenVisits(fx);
  await fx.db.execute(sql`UPDATE daily_sessions SET status = 'CLOSED', logout_time = coalesce(logout_time, now()) WHERE personnel_id = ${fx.ids.rep01}`);
  if (!open) return;
  await fx.db.execute(sql`UPDATE daily_sessions SET session_date = session_date - 400 WHERE personnel_id = ${fx.ids.rep01}`);
  await fx.db.execute(sql`INSERT INTO daily_sessions (personnel_id, session_date, login_time, status) VALUES (${fx.ids.rep01}, current_date, now() - interval '2 hours', 'OPEN')`);
}

async function alertOfRep01(fx: Fx): Promise<number> {
  const [row] = await queryRows<{ id: number }>(
    fx.db,
    sql`INSERT INTO alerts (kind, personnel_id, message, dedupe_key, raised_at) VALUES ('not_tracked', ${fx.ids.rep01}, 'contract', ${randomUUID()}, now()) RETURNING id`,
  );
  return row!.id;
}

async function throwawayRep(fx: Fx): Promise<number> {
  const tag = randomUUID();
  const [row] = await queryRows<{ id: number }>(
    fx.db,
    sql`INSERT INTO personnel (name, email, role, manager_id) VALUES (${"Contract " + tag.slice(0, 8)}, ${`contract-${tag}@fieldbeat.test`}, 'rep', ${fx.ids.manager1}) RETURNING id`,
  );
  return row!.id;
}

const newPerson = (fx: Fx, clientId: string, name: string) => ({ client_id: clientId, name, email: `c-${clientId}@fieldbeat.test`, role: "rep", manager_id: fx.ids.manager1 });

/** Operations not keyed by a client-generated id, and why that is safe. */
const EXEMPT: Record<string, string> = {
  "POST /api/v1/auth/login": "exchanges credentials for tokens; nothing a retry could double",
  "POST /api/v1/auth/refresh": "refresh-token rotation: the token itself is the one-time key (a reuse is REFRESH_TOKEN_REUSED)",
  "POST /api/v1/auth/logout": "revoking a token twice is the same state",
  "POST /api/v1/locations/validate": "a read despite the POST: computes a verdict and writes nothing",
  "POST /api/v1/push/subscriptions": "keyed by its endpoint (an upsert): the same endpoint again is the same subscription",
  "POST /api/v1/push/unsubscribe": "keyed by its endpoint: removing it twice is the same state",
  "POST /api/v1/push/test": "sends a notification and stores nothing",
  "DELETE /api/v1/api-keys/{id}": "revoking a key twice is the same state (the first revocation time stays)",
  "action apikeys.revoke": "revoking a key twice is the same state (the first revocation time stays)",
  "action mfa.startEnrolment": "one pending secret per person, replaced by a new start; nothing else is written",
  "action mfa.confirmEnrolment": "a one-time code confirms once; a second confirm is MFA_ALREADY_ENABLED",
  "action mfa.disable": "disabling twice is MFA_NOT_ENABLED; the code is the proof, not a retryable request",
  "DELETE /api/v1/report-schedules/{id}": "deleting a schedule twice is the same state (its delivery history stays)",
  "action reports.deleteSchedule": "deleting a schedule twice is the same state (its delivery history stays)",
  "POST /api/v1/routes/optimize": "a computation despite the POST: answers a route and writes nothing",
  "DELETE /api/v1/beats/{id}": "deleting a beat twice is the same state (the second answers 404: it is gone)",
  "POST /api/v1/locations/import":
    "the file is its own key: rows match customers by external_ref (or the same name within 25 m), so importing the same file again creates and updates nothing; a dry run writes nothing",
};

async function throwawayLocation(fx: Fx): Promise<number> {
  return makeLocation(fx.db, fx.lat + 0.01, fx.lon + 0.01);
}

/** A calendar day ahead of today (plans reach at most 366 days ahead). */
const daysAhead = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

/** A future day with two pending stops of rep01 (the optimiser reorders them). */
async function pendingDayOfRep01(fx: Fx, date: string): Promise<void> {
  const a = await throwawayLocation(fx);
  const b = await makeLocation(fx.db, fx.lat - 0.01, fx.lon + 0.02);
  await fx.db.execute(sql`DELETE FROM planned_visits WHERE personnel_id = ${fx.ids.rep01} AND planned_date = ${date}::date`);
  await fx.db.execute(
    sql`INSERT INTO planned_visits (personnel_id, location_id, planned_date, sequence) VALUES (${fx.ids.rep01}, ${fx.locationId}, ${date}::date, 1), (${fx.ids.rep01}, ${a}, ${date}::date, 2), (${fx.ids.rep01}, ${b}, ${date}::date, 3)`,
  );
}

const ROUTES: Record<string, Case> = {
  "POST /api/v1/report-schedules": {
    as: "manager",
    make: async (_fx, id) => {
      const body = { client_id: id, report: "summary", cadence: "weekly", weekday: 1, time: "07:30", format: "csv", recipients: ["boss@example.com"] };
      return { same: { url: "/api/v1/report-schedules", body }, other: { url: "/api/v1/report-schedules", body: { ...body, recipients: ["someone.else@example.com"] } } };
    },
  },
  "PUT /api/v1/plans/{personnel_id}/{date}": {
    as: "manager",
    make: async (fx, id) => {
      const date = daysAhead(60);
      const call = (time: string): Call => ({
        url: `/api/v1/plans/${fx.ids.rep01}/${date}`,
        params: { personnel_id: String(fx.ids.rep01), date },
        body: { client_id: id, stops: [{ location_id: fx.locationId, planned_time: time }] },
      });
      return { same: call("10:00"), other: call("11:00") };
    },
  },
  "POST /api/v1/plans/{personnel_id}/{date}/optimize": {
    as: "manager",
    make: async (fx, id) => {
      const date = daysAhead(61);
      await pendingDayOfRep01(fx, date);
      const call = (start: { lat: number; lon: number } | undefined): Call => ({
        url: `/api/v1/plans/${fx.ids.rep01}/${date}/optimize`,
        params: { personnel_id: String(fx.ids.rep01), date },
        body: { client_id: id, ...(start ? { start } : {}) },
      });
      return { same: call(undefined), other: call({ lat: fx.lat + 0.03, lon: fx.lon }) };
    },
  },
  "POST /api/v1/beats": {
    as: "manager",
    make: async (fx, id) => {
      const body = { client_id: id, personnel_id: fx.ids.rep01, name: "Contract round", weekdays: [2], every_weeks: 1, starts_on: "2030-01-01", stops: [{ location_id: fx.locationId }] };
      return { same: { url: "/api/v1/beats", body }, other: { url: "/api/v1/beats", body: { ...body, name: "Another round" } } };
    },
  },
  "PATCH /api/v1/beats/{id}": {
    as: "manager",
    make: async (fx, id) => {
      const [row] = await queryRows<{ id: number }>(
        fx.db,
        sql`INSERT INTO beats (personnel_id, name, weekdays, every_weeks, starts_on, stops, client_id)
            VALUES (${fx.ids.rep01}, 'Contract beat', '{3}', 1, '2030-01-01', ${JSON.stringify([{ location_id: fx.locationId, planned_time: null }])}::jsonb, ${randomUUID()}) RETURNING id`,
      );
      const b = row!.id;
      const call = (name: string): Call => ({ url: `/api/v1/beats/${b}`, params: { id: String(b) }, body: { client_id: id, name } });
      return { same: call("Renamed round"), other: call("Renamed again") };
    },
  },
  "POST /api/v1/locations": {
    as: "admin",
    make: async (fx, id) => {
      const body = { client_id: id, name: "Contract customer", lat: fx.lat + 0.02, lon: fx.lon, external_ref: `C-${id.slice(0, 8)}` };
      return { same: { url: "/api/v1/locations", body }, other: { url: "/api/v1/locations", body: { ...body, name: "Another customer" } } };
    },
  },
  "PATCH /api/v1/locations/{id}": {
    as: "manager",
    make: async (fx, id) => {
      const l = await throwawayLocation(fx);
      const call = (radius: number): Call => ({ url: `/api/v1/locations/${l}`, params: { id: String(l) }, body: { client_id: id, geofence_radius: radius } });
      return { same: call(75), other: call(90) };
    },
  },
  "PATCH /api/v1/settings": {
    as: "admin",
    make: async (_fx, id) => ({
      same: { url: "/api/v1/settings", body: { client_id: id, default_service_minutes: 25 } },
      other: { url: "/api/v1/settings", body: { client_id: id, default_service_minutes: 35 } },
    }),
  },
  "POST /api/v1/visits/check-in": {
    as: "rep",
    make: async (fx, id) => {
      await closeOpenVisits(fx);
      const body = { client_id: id, location_id: fx.locationId, ...fix(fx) };
      return { same: { url: "/api/v1/visits/check-in", body }, other: { url: "/api/v1/visits/check-in", body: { ...body, accuracy_m: 9 } } };
    },
  },
  "POST /api/v1/visits/check-out": {
    as: "rep",
    make: async (fx, id) => {
      const body = { client_id: id, visit_id: await visitOfRep01(fx, true), ...fix(fx) };
      return { same: { url: "/api/v1/visits/check-out", body }, other: { url: "/api/v1/visits/check-out", body: { ...body, notes: "another request" } } };
    },
  },
  // A selfie under the same client_id for another visit: 409, so the queue keeps the photo (a 200 would let it drop it).
  "POST /api/v1/visits/{id}/selfie": {
    as: "rep",
    fresh: ["display_url", "thumb_url", "urls_expire_at"],
    make: async (fx, id) => {
      const first = await visitOfRep01(fx, false);
      const second = await visitOfRep01(fx, true);
      const photo = await canvasJpeg(64, 48);
      const meta = selfieMeta({ client_id: id, capture_fix: { lat: fx.lat, lon: fx.lon } });
      const at = (v: number): Call => ({ url: `/api/v1/visits/${v}/selfie`, params: { id: String(v) }, form: async () => selfieForm(photo, meta) });
      return { same: at(first), other: at(second) };
    },
  },
  "POST /api/v1/visits/{id}/review": {
    as: "manager",
    make: async (fx, id) => {
      const v = await visitOfRep01(fx, false);
      const call = (decision: string): Call => ({ url: `/api/v1/visits/${v}/review`, params: { id: String(v) }, body: { client_id: id, decision, comment: "contract" } });
      return { same: call("APPROVED"), other: call("REJECTED") };
    },
  },
  "POST /api/v1/visits/{id}/close": {
    as: "manager",
    make: async (fx, id) => {
      const v = await visitOfRep01(fx, true);
      const call = (reason: string): Call => ({ url: `/api/v1/visits/${v}/close`, params: { id: String(v) }, body: { client_id: id, reason } });
      return { same: call("contract"), other: call("another reason") };
    },
  },
  "POST /api/v1/sessions/start": {
    as: "rep",
    make: async (fx, id) => {
      await dayOfRep01(fx, false);
      return { same: { url: "/api/v1/sessions/start", body: { client_id: id } }, other: { url: "/api/v1/sessions/start", body: { client_id: id, lat: fx.lat, lon: fx.lon } } };
    },
  },
  "POST /api/v1/sessions/end": {
    as: "rep",
    make: async (fx, id) => {
      await dayOfRep01(fx, true);
      return { same: { url: "/api/v1/sessions/end", body: { client_id: id } }, other: { url: "/api/v1/sessions/end", body: { client_id: id, captured_at: iso(60_000) } } };
    },
  },
  // A batch is keyed per ping (each row keeps its client_id): a replayed ping is counted as a duplicate and stored once;
  // the same ping id with another fix is refused item by item (the batch's other pings still count), stored never.
  "POST /api/v1/tracking/pings": {
    as: "rep",
    perItem: true,
    make: async (fx, id) => {
      await dayOfRep01(fx, true);
      const ping = { client_id: id, ...fix(fx) };
      return { same: { url: "/api/v1/tracking/pings", body: { pings: [ping] } }, other: { url: "/api/v1/tracking/pings", body: { pings: [{ ...ping, lat: fx.lat + 0.001 }] } } };
    },
  },
  "POST /api/v1/personnel": {
    as: "admin",
    fresh: ["temporary_password"],
    make: async (fx, id) => ({ same: { url: "/api/v1/personnel", body: newPerson(fx, id, "Contract A") }, other: { url: "/api/v1/personnel", body: newPerson(fx, id, "Contract B") } }),
  },
  "PATCH /api/v1/personnel/{id}": {
    as: "admin",
    make: async (fx, id) => {
      const p = await throwawayRep(fx);
      const call = (phone: string): Call => ({ url: `/api/v1/personnel/${p}`, params: { id: String(p) }, body: { client_id: id, phone } });
      return { same: call("+91 80 1111 0000"), other: call("+91 80 2222 0000") };
    },
  },
  // Another password under the same client_id is another request (the fingerprint holds a keyed digest of it).
  "POST /api/v1/personnel/{id}/reset-password": {
    as: "admin",
    fresh: ["temporary_password", "replayed"],
    make: async (fx, id) => {
      const p = await throwawayRep(fx);
      const call = (password: string): Call => ({ url: `/api/v1/personnel/${p}/reset-password`, params: { id: String(p) }, body: { client_id: id, password } });
      return { same: call("correct horse battery staple 1"), other: call("correct horse battery staple 2") };
    },
  },
  // The same client_id for another person is another request: 409, nobody else is anonymised.
  "POST /api/v1/personnel/{id}/anonymise": {
    as: "admin",
    make: async (fx, id) => {
      const [a, b] = [await throwawayRep(fx), await throwawayRep(fx)];
      const call = (p: number): Call => ({ url: `/api/v1/personnel/${p}/anonymise`, params: { id: String(p) }, body: { client_id: id } });
      return { same: call(a), other: call(b) };
    },
  },
  "POST /api/v1/api-keys": {
    as: "admin",
    fresh: ["secret"],
    make: async (_fx, id) => ({ same: { url: "/api/v1/api-keys", body: { client_id: id, name: "contract", access: "read" } }, other: { url: "/api/v1/api-keys", body: { client_id: id, name: "contract", access: "read_write" } } }),
  },
};

const ACTIONS: Record<string, ActionCase> = {
  "reports.createSchedule": {
    as: "manager",
    make: async (_fx, id) => {
      const input = { client_id: id, report: "visits", cadence: "daily", time: "06:45", format: "xlsx", recipients: ["boss@example.com"] };
      return { same: input, other: { ...input, time: "06:50" } };
    },
  },
  "visits.close": {
    as: "manager",
    make: async (fx, id) => {
      const v = await visitOfRep01(fx, true);
      return { same: { client_id: id, visit_id: v, reason: "contract" }, other: { client_id: id, visit_id: v, reason: "another reason" } };
    },
  },
  "visits.review": {
    as: "manager",
    make: async (fx, id) => {
      const v = await visitOfRep01(fx, false);
      return { same: { client_id: id, visit_id: v, decision: "REJECTED", comment: "contract" }, other: { client_id: id, visit_id: v, decision: "APPROVED", comment: "contract" } };
    },
  },
  "personnel.create": { as: "admin", fresh: ["temporary_password", "created"], make: async (fx, id) => ({ same: newPerson(fx, id, "Action A"), other: newPerson(fx, id, "Action B") }) },
  "personnel.update": {
    as: "admin",
    make: async (fx, id) => {
      const p = await throwawayRep(fx);
      return { same: { client_id: id, id: p, phone: "+91 80 3333 0000" }, other: { client_id: id, id: p, phone: "+91 80 4444 0000" } };
    },
  },
  "personnel.setRole": {
    as: "admin",
    make: async (fx, id) => {
      const p = await throwawayRep(fx);
      return { same: { client_id: id, id: p, role: "manager" }, other: { client_id: id, id: p, role: "admin" } };
    },
  },
  "personnel.setManager": {
    as: "admin",
    make: async (fx, id) => {
      const p = await throwawayRep(fx);
      return { same: { client_id: id, id: p, manager_id: fx.ids.admin }, other: { client_id: id, id: p, manager_id: fx.ids.manager1 } };
    },
  },
  // The other request names another person: the same client_id may not deactivate a second one.
  "personnel.deactivate": { as: "admin", make: async (fx, id) => ({ same: { client_id: id, id: await throwawayRep(fx) }, other: { client_id: id, id: await throwawayRep(fx) } }) },
  "personnel.reactivate": {
    as: "admin",
    make: async (fx, id) => {
      const [a, b] = [await throwawayRep(fx), await throwawayRep(fx)];
      await fx.db.execute(sql`UPDATE personnel SET active = false WHERE id IN (${a}, ${b})`);
      return { same: { client_id: id, id: a }, other: { client_id: id, id: b } };
    },
  },
  "personnel.resetPassword": {
    as: "admin",
    make: async (fx, id) => {
      const p = await throwawayRep(fx);
      return { same: { client_id: id, id: p }, other: { client_id: id, id: p, password: "correct horse battery staple 3" } };
    },
    fresh: ["temporary_password", "replayed"],
  },
  "settings.update": { as: "admin", make: async (_fx, id) => ({ same: { client_id: id, events_retention_days: 14 }, other: { client_id: id, events_retention_days: 15 } }) },
  // The customers pages (issue #18): the same use-cases as POST/PATCH /api/v1/locations.
  "locations.create": {
    as: "manager",
    make: async (fx, id) => {
      const input = { client_id: id, name: "Action customer", lat: fx.lat + 0.03, lon: fx.lon, external_ref: `A-${id.slice(0, 8)}` };
      return { same: input, other: { ...input, geofence_radius: 80 } };
    },
  },
  "locations.update": {
    as: "admin",
    make: async (fx, id) => {
      const l = await throwawayLocation(fx);
      return { same: { client_id: id, id: l, geofence_radius: 65 }, other: { client_id: id, id: l, geofence_radius: 95 } };
    },
  },
  "apikeys.create": { as: "admin", fresh: ["secret"], make: async (_fx, id) => ({ same: { client_id: id, name: "action", access: "read" }, other: { client_id: id, name: "action 2", access: "read" } }) },
  // Another alert under the same client_id: 409 (it used to answer the first alert's acknowledgement).
  "alerts.acknowledge": {
    as: "manager",
    make: async (fx, id) => ({ same: { client_id: id, alert_id: await alertOfRep01(fx) }, other: { client_id: id, alert_id: await alertOfRep01(fx) } }),
  },
};

/**
 * Every table's content (the rate limiter's counters aside: they count requests, not changes) and the photo store's files.
 * A table an extension owns (PostGIS's spatial_ref_sys: 8,500 rows, 8 MB of text) is fingerprinted by its row versions
 * instead (each row's ctid and xmin): any INSERT, UPDATE or DELETE changes them, even one that leaves the same content,
 * so it catches every write the content digest would, at a fifth of the cost (the text digest was most of this file's time).
 */
async function fingerprint(db: Db, files: () => string[]): Promise<Record<string, string>> {
  const tables = await queryRows<{ name: string; extension: boolean }>(
    db,
    sql`SELECT t.table_name AS name,
               EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = format('public.%I', t.table_name)::regclass AND d.deptype = 'e') AS extension
        FROM information_schema.tables t
        WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND t.table_name NOT IN ('rate_limits') ORDER BY 1`,
  );
  const parts = tables.map((t) =>
    t.extension
      ? sql`SELECT ${t.name}::text AS name, md5(coalesce(string_agg(x.ctid::text || ':' || x.xmin::text, '|' ORDER BY x.ctid), '')) AS digest FROM ${sql.identifier(t.name)} x`
      : sql`SELECT ${t.name}::text AS name, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS digest FROM ${sql.identifier(t.name)} x`,
  );
  const rows = await queryRows<{ name: string; digest: string }>(db, sql.join(parts, sql` UNION ALL `));
  return { ...Object.fromEntries(rows.map((r) => [r.name, r.digest])), "(photo files)": files().sort().join(",") };
}

/**
 * The answer as canonical JSON (keys sorted: a stored answer comes back from jsonb in its key order), with the fields
 * that are fresh per answer by design (signed URLs, a secret shown once) removed at any depth.
 */
function stable(value: unknown, fresh: string[]): string {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      const entries = Object.entries(v).filter(([k]) => !fresh.includes(k));
      return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return JSON.stringify(walk(value));
}

function routeFile(apiPath: string): string {
  return path.join(ROOT, "src/app", apiPath.replace(/\{(\w+)\}/g, "[$1]"), "route.ts");
}

async function callRoute(method: string, apiPath: string, call: Call, as: number): Promise<{ status: number; body: { error?: { code?: string } } & Record<string, unknown> }> {
  const mod = (await import(routeFile(apiPath))) as Record<string, (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>>;
  const headers: Record<string, string> = { authorization: `Bearer ${await issueAccessToken(as, new Date())}` };
  const init: RequestInit = { method: method.toUpperCase(), headers };
  if (call.body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(call.body);
  }
  if (call.form) init.body = await call.form();
  const res = await mod[method.toUpperCase()]!(new Request(BASE + call.url, init), { params: Promise.resolve(call.params ?? {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

async function discoverActions(): Promise<Map<string, ActionDef<never, unknown>>> {
  const defs = new Map<string, ActionDef<never, unknown>>();
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? walk(full) : name.endsWith(".actions.ts") ? [full] : [];
    });
  for (const file of walk(path.join(ROOT, "src"))) {
    for (const value of Object.values((await import(file)) as Record<string, unknown>)) {
      const def = typeof value === "function" ? (value as { def?: ActionDef<never, unknown> }).def : undefined;
      if (def) defs.set(def.name, def);
    }
  }
  return defs;
}

describeEachDriver("idempotency contract", (ctx) => {
  let fx: Fx;
  const photos = tempStorage();
  afterAll(() => photos.dispose());

  beforeAll(async () => {
    // A small world (an admin, a manager, their rep, one location): every table is fingerprinted around each call.
    const db = ctx.handle.db;
    useDbHandle(ctx.handle);
    const admin = await makePerson(db, "admin");
    const manager = await makePerson(db, "manager", admin.id);
    const rep = await makePerson(db, "rep", manager.id);
    const [lat, lon] = [12.9716, 77.5946];
    const locationId = await makeLocation(db, lat, lon);
    // Every hour of every day is work time here, in UTC: pings are judged on their key, not on the wall clock.
    await db.execute(sql`UPDATE org_settings SET time_zone = 'UTC', work_day_start = '00:00', work_day_end = '23:59:59', work_days = '{1,2,3,4,5,6,7}' WHERE id = 1`);
    fx = { db, actors: { rep, manager, admin }, ids: { rep01: rep.id, manager1: manager.id, admin: admin.id }, locationId, lat, lon };
  }, 60_000);

  it("has an entry (or a reasoned exemption) for every mutating operation of the OpenAPI document", () => {
    const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, unknown>> };
    const ops = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).filter((m) => MUTATING.includes(m)).map((m) => `${m.toUpperCase()} ${p}`));
    expect(ops.length).toBeGreaterThan(10);
    expect(ops.filter((k) => !ROUTES[k] && !EXEMPT[k]), "mutating operations without an idempotency entry").toEqual([]);
    expect(Object.keys(ROUTES).filter((k) => !ops.includes(k)), "entries without an operation").toEqual([]);
  });

  it("replays the first answer for the same request and answers 409 for another, writing nothing either time (routes)", async () => {
    useDbHandle(ctx.handle);
    const failures: string[] = [];
    for (const [key, c] of Object.entries(ROUTES)) {
      const [method, apiPath] = key.split(" ") as [string, string];
      const id = randomUUID();
      const { same, other } = await c.make(fx, id);
      const as = fx.actors[c.as].id;
      const first = await callRoute(method, apiPath, same, as);
      if (first.status >= 300) {
        failures.push(`${key}: the first request failed ${first.status} ${JSON.stringify(first.body)}`);
        continue;
      }
      const before = await fingerprint(fx.db, photos.files);
      const replay = await callRoute(method, apiPath, same, as);
      const afterReplay = await fingerprint(fx.db, photos.files);
      const reused = await callRoute(method, apiPath, other, as);
      const afterReuse = await fingerprint(fx.db, photos.files);
      const fresh = c.fresh ?? [];
      if (c.perItem) {
        const [f, r, o] = [first.body, replay.body, reused.body] as { accepted?: number; duplicates?: number; rejected?: { reason: string }[] }[];
        if (f!.accepted !== 1) failures.push(`${key}: the first batch stored ${JSON.stringify(f)}`);
        if (r!.accepted !== 0 || r!.duplicates !== 1) failures.push(`${key}: the replayed batch answered ${JSON.stringify(r)}`);
        if (reused.status !== 200 || o!.accepted !== 0 || o!.rejected?.[0]?.reason !== "client_id_reused") failures.push(`${key}: another fix under the same id answered ${reused.status} ${JSON.stringify(o)}`);
      } else if (replay.status >= 300) failures.push(`${key}: the replay answered ${replay.status} ${JSON.stringify(replay.body)}`);
      else if (stable(replay.body, fresh) !== stable(first.body, fresh)) failures.push(`${key}: the replay's answer differs\n  first  ${JSON.stringify(first.body)}\n  replay ${JSON.stringify(replay.body)}`);
      if (JSON.stringify(afterReplay) !== JSON.stringify(before)) failures.push(`${key}: the replay wrote ${diff(before, afterReplay)}`);
      if (!c.perItem && (reused.status !== 409 || reused.body.error?.code !== "CLIENT_ID_REUSED")) failures.push(`${key}: another body under the same client_id answered ${reused.status} ${JSON.stringify(reused.body)}`);
      if (JSON.stringify(afterReuse) !== JSON.stringify(afterReplay)) failures.push(`${key}: the reused client_id wrote ${diff(afterReplay, afterReuse)}`);
    }
    expect(failures).toEqual([]);
  }, 180_000);

  it("has an entry for every server action and holds the same contract through the action door", async () => {
    useDbHandle(ctx.handle);
    const defs = await discoverActions();
    expect([...defs.keys()].filter((n) => !ACTIONS[n] && !EXEMPT[`action ${n}`]), "server actions without an idempotency entry").toEqual([]);
    expect(Object.keys(ACTIONS).filter((n) => !defs.has(n)), "entries without an action").toEqual([]);
    const failures: string[] = [];
    for (const [name, c] of Object.entries(ACTIONS)) {
      const def = defs.get(name)!;
      const actor = fx.actors[c.as];
      const { same, other } = await c.make(fx, randomUUID());
      const first = await invokeAction(def, actor, same);
      if (!first.ok) {
        failures.push(`${name}: the first call failed ${first.status} ${JSON.stringify(first.error)}`);
        continue;
      }
      const before = await fingerprint(fx.db, photos.files);
      const replay = await invokeAction(def, actor, same);
      const afterReplay = await fingerprint(fx.db, photos.files);
      const reused = await invokeAction(def, actor, other);
      const afterReuse = await fingerprint(fx.db, photos.files);
      const fresh = c.fresh ?? [];
      if (!replay.ok) failures.push(`${name}: the replay failed ${replay.status} ${JSON.stringify(replay.error)}`);
      else if (stable(replay.data, fresh) !== stable(first.data, fresh)) failures.push(`${name}: the replay's answer differs\n  first  ${JSON.stringify(first.data)}\n  replay ${JSON.stringify(replay.data)}`);
      if (JSON.stringify(afterReplay) !== JSON.stringify(before)) failures.push(`${name}: the replay wrote ${diff(before, afterReplay)}`);
      if (reused.ok || reused.status !== 409 || reused.error.code !== "CLIENT_ID_REUSED") failures.push(`${name}: another input under the same client_id answered ${JSON.stringify(reused)}`);
      if (JSON.stringify(afterReuse) !== JSON.stringify(afterReplay)) failures.push(`${name}: the reused client_id wrote ${diff(afterReplay, afterReuse)}`);
    }
    expect(failures).toEqual([]);
  }, 180_000);
});

const diff = (a: Record<string, string>, b: Record<string, string>) => Object.keys({ ...a, ...b }).filter((k) => a[k] !== b[k]).join(", ") || "(nothing)";
