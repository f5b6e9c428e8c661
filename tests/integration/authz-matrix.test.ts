/**
 * The authorization matrix: every /api/v1 route and every server action, run as each kind of actor,
 * against data owned by rep01 (manager1's team). A route file or server action without an entry here
 * fails the test, so nothing reaches production unclassified.
 *
 * Doors: routes are called through their real handlers (Bearer access tokens and API keys, the same
 * `authenticate()` every request takes); actions through `invokeAction`, the path a server action takes
 * after reading the session cookie.
 */
import { randomUUID } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemoData } from "../../db/seed";
import type { Actor } from "../../src/server/auth/actor";
import { createApiKey } from "../../src/server/auth/api-keys/create-api-key";
import { createReportSchedule } from "../../src/server/reports/report-schedules";
import { mfaActionDefs } from "../../src/server/auth/mfa/mfa.action-defs";
import { issueAccessToken } from "../../src/server/auth/tokens";
import { startSession } from "../../src/server/sessions/start-session";
import { useDbHandle } from "../../src/server/db";
import { queryRows } from "../../src/server/db/client";
import { invokeAction, type ActionDef } from "../../src/server/http/action";
import { describeEachDriver } from "../support/db";
import { canvasJpeg, selfieForm, selfieMeta, tempStorage } from "../support/photos-world";
import { signFileUrl } from "../../src/server/storage/signed-url";
import { getStorage } from "../../src/server/storage/storage";
import { isMethodNotAllowedHandler } from "../../src/server/http/api-gate";
import { createBeat } from "../../src/server/plans/beats";
import { addDays } from "../../src/lib/time";

const ROOT = path.resolve(__dirname, "../..");
const API_DIR = path.join(ROOT, "src/app/api/v1");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];

const ACTORS = ["anon", "rep", "otherRep", "manager", "otherManager", "admin", "roKey", "rwKey"] as const;
type ActorName = (typeof ACTORS)[number];
/** Expected HTTP status per actor, in ACTORS order. */
type Row = [number, number, number, number, number, number, number, number];

type Fx = {
  ids: { rep01: number; rep09: number; manager1: number; manager2: number; admin: number };
  actors: Record<Exclude<ActorName, "anon" | "roKey" | "rwKey">, Actor>;
  auth: Record<ActorName, Record<string, string>>;
  visitOfRep01: number;
  locationId: number;
  lat: number;
  lon: number;
  today: string;
  db: Parameters<typeof queryRows>[0];
};
type Call = { url: string; body?: unknown; form?: FormData; params?: Record<string, string | string[]>; signal?: AbortSignal };
type Case = { make: (fx: Fx, actor: ActorName) => Promise<Call> | Call; expect: Row };

const BASE = "http://localhost";
const now = () => new Date().toISOString();
const fix = (fx: Fx) => ({ lat: fx.lat, lon: fx.lon, accuracy_m: 8, captured_at: now() });

/** Closes open visits so a check-in (or the day's end) is judged on authorization, not on "one open visit". */
async function closeOpenVisits(fx: Fx) {
  await fx.db.execute(sql`UPDATE visits SET check_out_time = now(), duration_minutes = 0 WHERE check_in_time IS NOT NULL AND check_out_time IS NULL`);
}

/** A closed visit of rep01 with a stored thumbnail, and a fresh signed URL for it. */
async function signedPhotoOfRep01(fx: Fx): Promise<Call> {
  const [row] = await queryRows<{ id: number }>(
    fx.db,
    sql`INSERT INTO visits (personnel_id, location_id, planned_date, check_in_time, check_out_time, check_in_coords, client_id, validation_status, validated)
        VALUES (${fx.ids.rep01}, ${fx.locationId}, ${fx.today}::date, now() - interval '2 hours', now() - interval '1 hour', ST_SetSRID(ST_MakePoint(${fx.lon}, ${fx.lat}), 4326)::geography, ${randomUUID()}, 'VALID', true) RETURNING id`,
  );
  const key = `visits/${row!.id}/${randomUUID()}-thumb.jpg`;
  await getStorage().put(key, await canvasJpeg(16, 12), "image/jpeg");
  await fx.db.execute(sql`UPDATE visits SET selfie_metadata = jsonb_build_object('thumb_key', ${key}::text, 'display_key', ${key}::text) WHERE id = ${row!.id}`);
  const url = signFileUrl(key, 900, new Date());
  return { url, params: { key: key.split("/") } };
}

/** Opens today's day for the actor (when it is a person who works days), so ending it is judged on authorization. */
async function openDay(fx: Fx, a: ActorName) {
  const actor = a in fx.actors ? fx.actors[a as keyof Fx["actors"]] : null;
  if (!actor || actor.role === "admin") return;
  await startSession({ db: fx.db, actor, now: new Date() }, { client_id: randomUUID() });
}

/** A throwaway rep under manager1, for changes that would otherwise lock a matrix actor out. */
async function throwawayRep(fx: Fx): Promise<number> {
  const tag = randomUUID();
  const [row] = await queryRows<{ id: number }>(
    fx.db,
    sql`INSERT INTO personnel (name, email, role, manager_id) VALUES (${"Throwaway " + tag.slice(0, 8)}, ${`throwaway-${tag}@fieldbeat.test`}, 'rep', ${fx.ids.manager1}) RETURNING id`,
  );
  return row!.id;
}

/** An open visit of rep01 for check-out cases (created through SQL: its check-in is not what is tested), a minute old so a check-out "now" is never before it. */
async function openVisitOfRep01(fx: Fx): Promise<number> {
  const [open] = await queryRows<{ id: number }>(fx.db, sql`SELECT id FROM visits WHERE personnel_id = ${fx.ids.rep01} AND check_in_time IS NOT NULL AND check_out_time IS NULL`);
  if (open) return open.id;
  const [row] = await queryRows<{ id: number }>(
    fx.db,
    sql`INSERT INTO visits (personnel_id, location_id, planned_date, check_in_time, check_in_coords, client_id, validation_status, validated)
        VALUES (${fx.ids.rep01}, ${fx.locationId}, ${fx.today}::date, now() - interval '1 minute', ST_SetSRID(ST_MakePoint(${fx.lon}, ${fx.lat}), 4326)::geography, ${randomUUID()}, 'VALID', true) RETURNING id`,
  );
  return row!.id;
}

/** A beat of rep01 starting a month ahead (so it writes no plans that other cases would meet). */
async function beatOfRep01(fx: Fx): Promise<number> {
  const { beat } = await createBeat(
    { db: fx.db, actor: fx.actors.manager, now: new Date() },
    { client_id: randomUUID(), personnel_id: fx.ids.rep01, name: "matrix", weekdays: [1], every_weeks: 1, starts_on: addDays(fx.today, 30), stops: [{ location_id: fx.locationId }], keep_order: false },
  );
  return beat.id;
}

/** A fresh alert about rep01, for acknowledgement cases. */
async function alertOfRep01(fx: Fx): Promise<number> {
  const [row] = await queryRows<{ id: number }>(
    fx.db,
    sql`INSERT INTO alerts (kind, personnel_id, message, dedupe_key, raised_at) VALUES ('not_tracked', ${fx.ids.rep01}, 'matrix', ${randomUUID()}, now()) RETURNING id`,
  );
  return row!.id;
}

//                          anon rep  oRep mgr  oMgr admin ro   rw
const OWN_READ: Row = /*  */ [401, 200, 404, 200, 404, 200, 200, 200];
const ANY_READ: Row = /*  */ [401, 200, 200, 200, 200, 200, 200, 200];
const SELF_WRITE: Row = /**/ [401, 201, 201, 201, 201, 403, 403, 403];
const ADMIN_READ: Row = /**/ [401, 403, 403, 403, 403, 200, 200, 200];
const PUBLIC: Row = /*    */ [200, 200, 200, 200, 200, 200, 200, 200];

const planDay = (fx: Fx, daysAhead: number, suffix = "") => {
  const date = addDays(fx.today, daysAhead);
  return { url: `/api/v1/plans/${fx.ids.rep01}/${date}${suffix}`, params: { personnel_id: String(fx.ids.rep01), date } };
};
const beatUrl = (id: number) => ({ url: `/api/v1/beats/${id}`, params: { id: String(id) } });

const NOWHERE: Row = /*   */ [404, 404, 404, 404, 404, 404, 404, 404];
const unknownPath = () => ({ url: "/api/v1/no/such/path", params: { path: ["no", "such", "path"] } as unknown as Record<string, string> });

const ROUTES: Record<string, Case> = {
  // The catch-all: an unknown /api/v1 path is a JSON 404 for everyone, whatever the method.
  "GET /api/v1/{path}": { make: unknownPath, expect: NOWHERE },
  "POST /api/v1/{path}": { make: unknownPath, expect: NOWHERE },
  "PUT /api/v1/{path}": { make: unknownPath, expect: NOWHERE },
  "PATCH /api/v1/{path}": { make: unknownPath, expect: NOWHERE },
  "DELETE /api/v1/{path}": { make: unknownPath, expect: NOWHERE },
  "GET /api/v1/openapi.json": { make: () => ({ url: "/api/v1/openapi.json" }), expect: PUBLIC },
  "POST /api/v1/auth/login": { make: () => ({ url: "/api/v1/auth/login", body: { email: "rep01@fieldbeat.test", password: "fieldbeat-demo" } }), expect: PUBLIC },
  "POST /api/v1/auth/refresh": { make: async () => ({ url: "/api/v1/auth/refresh", body: { refresh_token: await login() } }), expect: PUBLIC },
  "POST /api/v1/auth/logout": { make: async () => ({ url: "/api/v1/auth/logout", body: { refresh_token: await login() } }), expect: PUBLIC },
  "GET /api/v1/auth/me": { make: () => ({ url: "/api/v1/auth/me" }), expect: ANY_READ },

  "GET /api/v1/locations/nearby": { make: (fx) => ({ url: `/api/v1/locations/nearby?lat=${fx.lat}&lon=${fx.lon}&radius=2000&limit=5` }), expect: ANY_READ },
  // A read despite the POST: it computes a verdict and writes nothing, so read-only keys may call it.
  "POST /api/v1/locations/validate": { make: (fx) => ({ url: "/api/v1/locations/validate", body: { lat: fx.lat, lon: fx.lon, location_id: fx.locationId } }), expect: ANY_READ },
  // Customers (issue #18): every signed-in role reads; admins and managers write (reps and read-only keys 403).
  "GET /api/v1/locations": { make: () => ({ url: "/api/v1/locations?limit=5&q=a" }), expect: ANY_READ },
  "GET /api/v1/locations/{id}": { make: (fx) => ({ url: `/api/v1/locations/${fx.locationId}`, params: { id: String(fx.locationId) } }), expect: ANY_READ },
  "POST /api/v1/locations": {
    make: (fx) => ({ url: "/api/v1/locations", body: { client_id: randomUUID(), name: `Matrix customer ${randomUUID().slice(0, 8)}`, lat: fx.lat, lon: fx.lon } }),
    expect: [401, 403, 403, 201, 201, 201, 403, 201],
  },
  "PATCH /api/v1/locations/{id}": {
    make: (fx) => ({ url: `/api/v1/locations/${fx.locationId}`, params: { id: String(fx.locationId) }, body: { client_id: randomUUID(), address: `Matrix ${randomUUID().slice(0, 8)}` } }),
    expect: [401, 403, 403, 200, 200, 200, 403, 200],
  },
  "POST /api/v1/locations/import": {
    make: (fx) => {
      const form = new FormData();
      form.set("file", new Blob([`name,lat,lon\r\nMatrix import,${fx.lat},${fx.lon}\r\n`], { type: "text/csv" }), "customers.csv");
      return { url: "/api/v1/locations/import?dry_run=true", form };
    },
    expect: [401, 403, 403, 200, 200, 200, 403, 200],
  },
  // Organisation settings: admins only (a read-only key may not read them: settings.manage is not a read).
  "GET /api/v1/settings": { make: () => ({ url: "/api/v1/settings" }), expect: [401, 403, 403, 403, 403, 200, 403, 200] },
  "PATCH /api/v1/settings": { make: () => ({ url: "/api/v1/settings", body: { client_id: randomUUID(), default_service_minutes: 20 } }), expect: [401, 403, 403, 403, 403, 200, 403, 200] },

  "GET /api/v1/visits": { make: (fx) => ({ url: `/api/v1/visits?personnel_id=${fx.ids.rep01}` }), expect: OWN_READ },
  "GET /api/v1/visits/{id}": { make: (fx) => ({ url: `/api/v1/visits/${fx.visitOfRep01}`, params: { id: String(fx.visitOfRep01) } }), expect: OWN_READ },
  // Everyone who may write visits checks in as themself: there is no "on behalf of".
  "POST /api/v1/visits/check-in": {
    make: async (fx) => {
      await closeOpenVisits(fx);
      return { url: "/api/v1/visits/check-in", body: { client_id: randomUUID(), location_id: fx.locationId, ...fix(fx) } };
    },
    expect: [401, 201, 201, 201, 201, 403, 403, 403],
  },
  // rep01's open visit: only rep01 may close it; for anyone else it does not exist.
  "POST /api/v1/visits/check-out": {
    make: async (fx) => ({ url: "/api/v1/visits/check-out", body: { client_id: randomUUID(), visit_id: await openVisitOfRep01(fx), ...fix(fx) } }),
    expect: [401, 200, 404, 404, 404, 403, 403, 403],
  },

  // rep01's open visit: only rep01 may add its selfie; for anyone else it does not exist (reset so each run judges authorization, not "one selfie").
  "POST /api/v1/visits/{id}/selfie": {
    make: async (fx) => {
      const id = await openVisitOfRep01(fx);
      await fx.db.execute(sql`UPDATE visits SET selfie_url = NULL, selfie_metadata = NULL WHERE id = ${id}`);
      return { url: `/api/v1/visits/${id}/selfie`, params: { id: String(id) }, form: selfieForm(await canvasJpeg(64, 48), selfieMeta({ capture_fix: { lat: fx.lat, lon: fx.lon } })) };
    },
    expect: [401, 201, 404, 404, 404, 403, 403, 403],
  },

  // Managers review their subtree's visits (another team's: 404); reps and read-only keys may not review at all.
  "POST /api/v1/visits/{id}/review": {
    make: (fx) => ({ url: `/api/v1/visits/${fx.visitOfRep01}/review`, params: { id: String(fx.visitOfRep01) }, body: { client_id: randomUUID(), decision: "APPROVED", comment: "matrix" } }),
    expect: [401, 403, 403, 200, 404, 200, 403, 200],
  },
  // A forgotten open visit: the rep's managers (subtree) and admins close it; another team's manager 404; reps and read-only keys 403.
  "POST /api/v1/visits/{id}/close": {
    make: async (fx) => {
      const id = await openVisitOfRep01(fx);
      return { url: `/api/v1/visits/${id}/close`, params: { id: String(id) }, body: { client_id: randomUUID(), reason: "matrix" } };
    },
    expect: [401, 403, 403, 200, 404, 200, 403, 200],
  },
  // Signed URL of rep01's photo: its visit's scope decides (another team's manager or rep: 404 as if missing).
  "GET /api/v1/files/{key}": { make: (fx) => signedPhotoOfRep01(fx), expect: OWN_READ },

  "POST /api/v1/sessions/start": { make: () => ({ url: "/api/v1/sessions/start", body: { client_id: randomUUID() } }), expect: SELF_WRITE },
  "POST /api/v1/sessions/end": {
    make: async (fx, a) => {
      await closeOpenVisits(fx);
      await openDay(fx, a);
      return { url: "/api/v1/sessions/end", body: { client_id: randomUUID() } };
    },
    expect: [401, 200, 200, 200, 200, 403, 403, 403],
  },
  "GET /api/v1/sessions/today": { make: () => ({ url: "/api/v1/sessions/today" }), expect: ANY_READ },
  "GET /api/v1/plans/today": { make: (fx) => ({ url: `/api/v1/plans/today?personnel_id=${fx.ids.rep01}` }), expect: OWN_READ },
  // Day plans by date (issue #19): a rep reads and reorders their own; managers their subtree, admins anyone.
  "GET /api/v1/plans/{personnel_id}/{date}": { make: (fx) => planDay(fx, 5), expect: OWN_READ },
  "PUT /api/v1/plans/{personnel_id}/{date}": {
    make: async (fx) => {
      // The day's pending stops sent back as they are: a reorder, which the rep may do (beats may have written the day).
      const date = addDays(fx.today, 5);
      const rows = await queryRows<{ location_id: number }>(
        fx.db,
        sql`SELECT location_id FROM planned_visits WHERE personnel_id = ${fx.ids.rep01} AND planned_date = ${date}::date AND visit_id IS NULL ORDER BY sequence`,
      );
      return { ...planDay(fx, 5), body: { client_id: randomUUID(), stops: rows.map((r) => ({ location_id: Number(r.location_id) })) } };
    },
    expect: [401, 200, 404, 200, 404, 200, 403, 200],
  },
  "POST /api/v1/plans/{personnel_id}/{date}/optimize": {
    make: (fx) => ({ ...planDay(fx, 5, "/optimize"), body: { client_id: randomUUID() } }),
    expect: [401, 200, 404, 200, 404, 200, 403, 200],
  },
  // A computation that writes nothing: everyone signed in, read-only keys too.
  "POST /api/v1/routes/optimize": {
    make: (fx) => ({ url: "/api/v1/routes/optimize", body: { start: { lat: fx.lat, lon: fx.lon }, stops: [{ id: "a", lat: fx.lat + 0.01, lon: fx.lon }] } }),
    expect: ANY_READ,
  },
  // Beats: everyone reads their scope's; managers (subtree) and admins write them.
  "GET /api/v1/beats": { make: () => ({ url: "/api/v1/beats" }), expect: ANY_READ },
  "POST /api/v1/beats": {
    make: (fx) => ({
      url: "/api/v1/beats",
      body: { client_id: randomUUID(), personnel_id: fx.ids.rep01, name: "matrix", weekdays: [2], starts_on: addDays(fx.today, 30), stops: [{ location_id: fx.locationId }] },
    }),
    expect: [401, 403, 403, 201, 404, 201, 403, 201],
  },
  "GET /api/v1/beats/{id}": { make: async (fx) => beatUrl(await beatOfRep01(fx)), expect: OWN_READ },
  "PATCH /api/v1/beats/{id}": { make: async (fx) => ({ ...beatUrl(await beatOfRep01(fx)), body: { client_id: randomUUID(), name: "renamed" } }), expect: [401, 403, 403, 200, 404, 200, 403, 200] },
  "DELETE /api/v1/beats/{id}": { make: async (fx) => beatUrl(await beatOfRep01(fx)), expect: [401, 403, 403, 204, 404, 204, 403, 204] },
  // Push: one's own devices; a read-only key may read the public key only.
  "GET /api/v1/push/vapid-public-key": { make: () => ({ url: "/api/v1/push/vapid-public-key" }), expect: ANY_READ },
  "POST /api/v1/push/subscriptions": {
    make: () => ({ url: "/api/v1/push/subscriptions", body: { endpoint: `https://8.8.8.8/${randomUUID()}` /* a public address literal: registration checks addresses (no DNS here), never connects */, keys: { p256dh: "B".repeat(87), auth: "A".repeat(22) } } }),
    expect: [401, 201, 201, 201, 201, 201, 403, 201],
  },
  "POST /api/v1/push/unsubscribe": { make: () => ({ url: "/api/v1/push/unsubscribe", body: { endpoint: `https://push.invalid/${randomUUID()}` } }), expect: [401, 200, 200, 200, 200, 200, 403, 200] },
  "POST /api/v1/push/test": { make: () => ({ url: "/api/v1/push/test", body: {} }), expect: [401, 200, 200, 200, 200, 200, 403, 200] },

  "POST /api/v1/tracking/pings": { make: (fx) => ({ url: "/api/v1/tracking/pings", body: { pings: [{ client_id: randomUUID(), ...fix(fx) }] } }), expect: [401, 200, 200, 200, 200, 403, 403, 403] },
  "GET /api/v1/tracking/trail": { make: (fx) => ({ url: `/api/v1/tracking/trail?personnel_id=${fx.ids.rep01}&date=${fx.today}` }), expect: OWN_READ },

  // Managers read their subtree; people management is the admin's (and a read-write admin key's).
  "GET /api/v1/personnel": { make: () => ({ url: "/api/v1/personnel?limit=5" }), expect: [401, 403, 403, 200, 200, 200, 200, 200] },
  "GET /api/v1/personnel/{id}": { make: (fx) => ({ url: `/api/v1/personnel/${fx.ids.rep01}`, params: { id: String(fx.ids.rep01) } }), expect: [401, 403, 403, 200, 404, 200, 200, 200] },
  "POST /api/v1/personnel": {
    make: (fx) => {
      const tag = randomUUID().slice(0, 8);
      return { url: "/api/v1/personnel", body: { client_id: randomUUID(), name: `Matrix ${tag}`, email: `matrix-${tag}@fieldbeat.test`, role: "rep", manager_id: fx.ids.manager1 } };
    },
    expect: [401, 403, 403, 403, 403, 201, 403, 201],
  },
  "PATCH /api/v1/personnel/{id}": {
    make: (fx) => ({ url: `/api/v1/personnel/${fx.ids.rep01}`, params: { id: String(fx.ids.rep01) }, body: { client_id: randomUUID(), phone: "+91 80 1234 5678" } }),
    expect: [401, 403, 403, 403, 403, 200, 403, 200],
  },
  "POST /api/v1/personnel/{id}/reset-password": {
    make: async (fx) => {
      const id = await throwawayRep(fx);
      return { url: `/api/v1/personnel/${id}/reset-password`, params: { id: String(id) }, body: { client_id: randomUUID() } };
    },
    expect: [401, 403, 403, 403, 403, 200, 403, 200],
  },
  // Privacy (#18.5): exporting or anonymising someone's data is for admins only (a read-only key may not: not a read).
  "GET /api/v1/personnel/{id}/export": {
    make: (fx) => ({ url: `/api/v1/personnel/${fx.ids.rep01}/export`, params: { id: String(fx.ids.rep01) } }),
    expect: [401, 403, 403, 403, 403, 200, 403, 200],
  },
  "POST /api/v1/personnel/{id}/anonymise": {
    make: async (fx) => {
      const id = await throwawayRep(fx);
      return { url: `/api/v1/personnel/${id}/anonymise`, params: { id: String(id) }, body: { client_id: randomUUID() } };
    },
    expect: [401, 403, 403, 403, 403, 200, 403, 200],
  },

  "GET /api/v1/audit": { make: () => ({ url: "/api/v1/audit?limit=5" }), expect: ADMIN_READ },
  // Listing keys needs apikeys.manage, which a read-only key never has: key metadata is not for integrations.
  "GET /api/v1/api-keys": { make: () => ({ url: "/api/v1/api-keys" }), expect: [401, 403, 403, 403, 403, 200, 403, 200] },
  "POST /api/v1/api-keys": {
    make: () => ({ url: "/api/v1/api-keys", body: { client_id: randomUUID(), name: "matrix", access: "read" } }),
    expect: [401, 403, 403, 403, 403, 201, 403, 201],
  },
  // The live stream of one's scope: managers and admins their team's, a rep their own plan.changed (read-only keys too: it is a read). Opened already aborted, so it closes at once.
  "GET /api/v1/events": { make: () => ({ url: "/api/v1/events", signal: AbortSignal.abort() }), expect: [401, 200, 200, 200, 200, 200, 200, 200] },
  // The dashboard's figures: managers of the rep's team and admins; another team's rep is a 404 like a missing one.
  "GET /api/v1/dashboard/team-summary": { make: () => ({ url: "/api/v1/dashboard/team-summary" }), expect: [401, 403, 403, 200, 200, 200, 200, 200] },
  "GET /api/v1/dashboard/personnel/{id}": {
    make: (fx) => ({ url: `/api/v1/dashboard/personnel/${fx.ids.rep01}?to=${fx.today}`, params: { id: String(fx.ids.rep01) } }),
    expect: [401, 403, 403, 200, 404, 200, 200, 200],
  },
  // Reports: everyone their own scope (a rep themself); another team's rep named explicitly is a 404 like a missing one.
  "GET /api/v1/reports/visits": {
    make: (fx) => ({ url: `/api/v1/reports/visits?from=${fx.today}&to=${fx.today}&personnel_id=${fx.ids.rep01}` }),
    expect: OWN_READ,
  },
  "GET /api/v1/reports/summary": {
    make: (fx) => ({ url: `/api/v1/reports/summary?from=${fx.today}&to=${fx.today}&group_by=day&personnel_id=${fx.ids.rep01}&format=csv` }),
    expect: OWN_READ,
  },
  // Report schedules: managers and admins; a schedule of manager1's is another manager's 404.
  "GET /api/v1/report-schedules": { make: () => ({ url: "/api/v1/report-schedules" }), expect: [401, 403, 403, 200, 200, 200, 200, 200] },
  "POST /api/v1/report-schedules": {
    make: () => ({ url: "/api/v1/report-schedules", body: { client_id: randomUUID(), report: "summary", cadence: "daily", time: "18:00", format: "csv", recipients: ["boss@fieldbeat.test"] } }),
    expect: [401, 403, 403, 201, 201, 201, 403, 201],
  },
  "DELETE /api/v1/report-schedules/{id}": {
    make: async (fx) => {
      const { schedule } = await createReportSchedule({ db: fx.db, actor: fx.actors.manager, now: new Date() }, { client_id: randomUUID(), report: "visits", cadence: "weekly", weekday: 1, time: "08:00", format: "xlsx", recipients: ["boss@fieldbeat.test"] });
      return { url: `/api/v1/report-schedules/${schedule.id}`, params: { id: String(schedule.id) } };
    },
    expect: [401, 403, 403, 200, 404, 200, 403, 200],
  },
  "DELETE /api/v1/api-keys/{id}": {
    make: async (fx) => {
      const { key } = await createApiKey({ db: fx.db, actor: fx.actors.admin, now: new Date() }, { client_id: randomUUID(), name: "to revoke", access: "read" });
      return { url: `/api/v1/api-keys/${key.id}`, params: { id: String(key.id) } };
    },
    expect: [401, 403, 403, 403, 403, 200, 403, 200],
  },
};

/** Server actions: the same use-cases through the session door. Keys never carry a session; they are run anyway to prove read-only keys can't write. */
type ActionCase = { input: (fx: Fx, actor: ActorName) => Promise<unknown> | unknown; expect: Row };
//                            anon rep  oRep mgr  oMgr admin ro   rw
const ADMIN_ONLY: Row = /* */ [401, 403, 403, 403, 403, 200, 403, 200];
const ACCOUNT: Row = /*    */ [401, 200, 200, 200, 200, 200, 403, 200];
const ACTIONS: Record<string, ActionCase> = {
  "reports.createSchedule": {
    input: () => ({ client_id: randomUUID(), report: "summary", cadence: "weekly", weekday: 5, time: "17:00", format: "pdf", recipients: ["boss@fieldbeat.test"] }),
    expect: [401, 403, 403, 200, 200, 200, 403, 200],
  },
  // Another team's manager gets a 404, like a missing schedule.
  "reports.deleteSchedule": {
    input: async (fx) => ({
      id: (await createReportSchedule({ db: fx.db, actor: fx.actors.manager, now: new Date() }, { client_id: randomUUID(), report: "visits", cadence: "daily", time: "08:00", format: "csv", recipients: ["boss@fieldbeat.test"] })).schedule.id,
    }),
    expect: [401, 403, 403, 200, 404, 200, 403, 200],
  },
  "visits.review": { input: (fx) => ({ client_id: randomUUID(), visit_id: fx.visitOfRep01, decision: "REJECTED", comment: "matrix" }), expect: [401, 403, 403, 200, 404, 200, 403, 200] },
  "visits.close": { input: async (fx) => ({ client_id: randomUUID(), visit_id: await openVisitOfRep01(fx), reason: "matrix" }), expect: [401, 403, 403, 200, 404, 200, 403, 200] },
  "personnel.create": {
    input: (fx) => {
      const tag = randomUUID().slice(0, 8);
      return { client_id: randomUUID(), name: `Action ${tag}`, email: `action-${tag}@fieldbeat.test`, role: "rep", manager_id: fx.ids.manager1 };
    },
    expect: ADMIN_ONLY,
  },
  "personnel.update": { input: (fx) => ({ client_id: randomUUID(), id: fx.ids.rep01, phone: "+91 80 5555 0000" }), expect: ADMIN_ONLY },
  "personnel.setRole": { input: async (fx) => ({ client_id: randomUUID(), id: await throwawayRep(fx), role: "rep" }), expect: ADMIN_ONLY },
  "personnel.setManager": { input: async (fx) => ({ client_id: randomUUID(), id: await throwawayRep(fx), manager_id: fx.ids.manager2 }), expect: ADMIN_ONLY },
  "personnel.deactivate": { input: async (fx) => ({ client_id: randomUUID(), id: await throwawayRep(fx) }), expect: ADMIN_ONLY },
  "personnel.reactivate": { input: async (fx) => ({ client_id: randomUUID(), id: await throwawayRep(fx) }), expect: ADMIN_ONLY },
  "personnel.resetPassword": { input: async (fx) => ({ client_id: randomUUID(), id: await throwawayRep(fx) }), expect: ADMIN_ONLY },
  "settings.update": { input: () => ({ client_id: randomUUID(), require_manager_mfa: false, events_retention_days: 14 }), expect: ADMIN_ONLY },
  // Customers (issue #18): admins and managers (any team: customers are the organisation's), never reps or read-only keys.
  "locations.create": {
    input: (fx) => ({ client_id: randomUUID(), name: `Action customer ${randomUUID().slice(0, 8)}`, lat: fx.lat, lon: fx.lon }),
    expect: [401, 403, 403, 200, 200, 200, 403, 200],
  },
  "locations.update": {
    input: (fx) => ({ client_id: randomUUID(), id: fx.locationId, address: `Action ${randomUUID().slice(0, 8)}` }),
    expect: [401, 403, 403, 200, 200, 200, 403, 200],
  },
  "apikeys.create": { input: () => ({ client_id: randomUUID(), name: "action key", access: "read" }), expect: ADMIN_ONLY },
  "apikeys.revoke": {
    input: async (fx) => ({ id: (await createApiKey({ db: fx.db, actor: fx.actors.admin, now: new Date() }, { client_id: randomUUID(), name: "x", access: "read" })).key.id }),
    expect: ADMIN_ONLY,
  },
  // Dashboard alerts: the rep's managers (subtree) and admins; another team's manager gets a 404, like a missing alert.
  "alerts.acknowledge": { input: async (fx) => ({ client_id: randomUUID(), alert_id: await alertOfRep01(fx) }), expect: [401, 403, 403, 200, 404, 200, 403, 200] },
  // One's own MFA: everyone signed in may start an enrolment for themself (a read-only key may not).
  "mfa.startEnrolment": { input: () => ({}), expect: ACCOUNT },
  // A wrong code is refused for whoever sends it: the point here is that nobody unauthenticated or read-only gets that far.
  "mfa.confirmEnrolment": { input: () => ({ code: "000000" }), expect: [401, 400, 400, 400, 400, 400, 403, 400] },
  // Nobody here has MFA on: disabling it is a conflict for whoever may ask.
  "mfa.disable": { input: () => ({ code: "000000" }), expect: [401, 409, 409, 409, 409, 409, 403, 409] },
};

/** Every route file under src/app/api/v1 and its exported methods, as "METHOD /api/v1/path/{param}". */
function discoverRoutes(): { key: string; file: string }[] {
  const out: { key: string; file: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name === "route.ts") out.push({ key: "/" + path.relative(path.join(ROOT, "src/app"), dir).replace(/\[(?:\.\.\.)?([^\]]+)\]/g, "{$1}"), file: full });
    }
  };
  walk(API_DIR);
  return out;
}

let loginImpl: () => Promise<string>;
const login = () => loginImpl();

async function callRoute(method: Method, file: string, call: Call, headers: Record<string, string>): Promise<number> {
  const mod = (await import(file)) as Record<string, (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>>;
  const handler = mod[method]!;
  const init: RequestInit = { method, headers: { ...headers, ...(call.body !== undefined ? { "content-type": "application/json" } : {}) } };
  if (call.body !== undefined) init.body = JSON.stringify(call.body);
  if (call.form !== undefined) init.body = call.form;
  if (call.signal) init.signal = call.signal;
  const res = await handler(new Request(BASE + call.url, init), { params: Promise.resolve(call.params ?? {}) });
  return res.status;
}

async function discoverActions(): Promise<Map<string, ActionDef<never, unknown>>> {
  const defs = new Map<string, ActionDef<never, unknown>>();
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith(".actions.ts")) files.push(full);
    }
  };
  walk(path.join(ROOT, "src"));
  const mfaByExport: Record<string, ActionDef<never, unknown>> = {
    startMfaEnrolmentAction: mfaActionDefs.start as unknown as ActionDef<never, unknown>,
    confirmMfaEnrolmentAction: mfaActionDefs.confirm as unknown as ActionDef<never, unknown>,
    disableMfaAction: mfaActionDefs.disable as unknown as ActionDef<never, unknown>,
  };
  for (const file of files) {
    const mod = (await import(file)) as Record<string, unknown>;
    for (const [exportName, value] of Object.entries(mod)) {
      if (typeof value !== "function") continue;
      const def = (value as { def?: ActionDef<never, unknown> }).def ?? mfaByExport[exportName];
      if (!def) throw new Error(`${path.relative(ROOT, file)}: export ${exportName} is a server action the matrix cannot classify (use defineAction)`);
      defs.set(def.name, def);
    }
  }
  return defs;
}

describeEachDriver("authorization matrix", (ctx) => {
  let fx: Fx;
  const photos = tempStorage();
  afterAll(() => photos.dispose());
  const keyActors: Partial<Record<"roKey" | "rwKey", Actor>> = {};

  beforeAll(async () => {
    const db = ctx.handle.db;
    const summary = await seedDemoData(db, { now: new Date(), password: "fieldbeat-demo", fixturesDir: path.resolve(ROOT, "../shared/fixtures"), historyDays: 3 });
    useDbHandle(ctx.handle);
    const people = await queryRows<{ id: number; key: string; role: Actor["role"]; name: string; email: string }>(
      db,
      sql`SELECT id, split_part(email, '@', 1) AS key, role, name, email FROM personnel`,
    );
    const byKey = (k: string) => people.find((p) => p.key === k)!;
    const actor = (k: string): Actor => ({ ...byKey(k), via: "access_token", readOnly: false });
    const ids = { rep01: byKey("rep01").id, rep09: byKey("rep09").id, manager1: byKey("manager1").id, manager2: byKey("manager2").id, admin: byKey("admin").id };
    const actors = { rep: actor("rep01"), otherRep: actor("rep09"), manager: actor("manager1"), otherManager: actor("manager2"), admin: actor("admin") };
    const t = new Date();
    const bearer = async (id: number) => ({ authorization: `Bearer ${await issueAccessToken(id, t)}` });
    const adminCtx = { db, actor: actors.admin, now: t };
    const ro = await createApiKey(adminCtx, { client_id: randomUUID(), name: "matrix read", access: "read" });
    const rw = await createApiKey(adminCtx, { client_id: randomUUID(), name: "matrix write", access: "read_write" });
    keyActors.roKey = { ...actors.admin, via: "api_key", readOnly: true, apiKeyId: ro.key.id };
    keyActors.rwKey = { ...actors.admin, via: "api_key", readOnly: false, apiKeyId: rw.key.id };
    const [visit] = await queryRows<{ id: number }>(db, sql`SELECT id FROM visits WHERE personnel_id = ${ids.rep01} ORDER BY id LIMIT 1`);
    const [loc] = await queryRows<{ id: number; lat: number; lon: number }>(
      db,
      sql`SELECT id, ST_Y(coordinates::geometry) AS lat, ST_X(coordinates::geometry) AS lon FROM locations WHERE active ORDER BY id LIMIT 1`,
    );
    fx = {
      ids,
      actors,
      db,
      visitOfRep01: visit!.id,
      locationId: loc!.id,
      lat: Number(loc!.lat),
      lon: Number(loc!.lon),
      today: summary.today,
      auth: {
        anon: {},
        rep: await bearer(ids.rep01),
        otherRep: await bearer(ids.rep09),
        manager: await bearer(ids.manager1),
        otherManager: await bearer(ids.manager2),
        admin: await bearer(ids.admin),
        roKey: { "x-api-key": ro.key.secret! },
        rwKey: { authorization: `Bearer ${rw.key.secret!}` },
      },
    };
    loginImpl = async () => {
      const { POST } = await import("../../src/app/api/v1/auth/login/route");
      const res = await POST(new Request(`${BASE}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "rep02@fieldbeat.test", password: "fieldbeat-demo" }) }), { params: Promise.resolve({}) });
      return ((await res.json()) as { refresh_token: string }).refresh_token;
    };
  }, 180_000);

  it("classifies every /api/v1 route and checks it as every kind of actor", async () => {
    useDbHandle(ctx.handle);
    const discovered = discoverRoutes();
    const missing: string[] = [];
    const mismatches: string[] = [];
    let checked = 0;
    for (const { key: routePath, file } of discovered) {
      const mod = (await import(file)) as Record<string, unknown>;
      for (const method of METHODS) {
        // A route the proxy does not see exports JSON-405 stand-ins for the methods it lacks: not operations.
        if (typeof mod[method] !== "function" || isMethodNotAllowedHandler(mod[method])) continue;
        const key = `${method} ${routePath}`;
        const c = ROUTES[key];
        if (!c) {
          missing.push(key);
          continue;
        }
        const actual: number[] = [];
        for (const a of ACTORS) actual.push(await callRoute(method, file, await c.make(fx, a), fx.auth[a]));
        checked++;
        if (JSON.stringify(actual) !== JSON.stringify(c.expect)) mismatches.push(`${key}\n    expected ${JSON.stringify(c.expect)}\n    actual   ${JSON.stringify(actual)}`);
      }
    }
    const stale = Object.keys(ROUTES).filter((k) => !discovered.some((d) => k.endsWith(" " + d.key)));
    expect(missing, "routes without a matrix entry").toEqual([]);
    expect(stale, "matrix entries without a route").toEqual([]);
    expect(mismatches, `actors: ${ACTORS.join(", ")}`).toEqual([]);
    expect(checked).toBe(Object.keys(ROUTES).length);
  }, 180_000);

  it("classifies every server action and checks it as every kind of actor", async () => {
    useDbHandle(ctx.handle);
    const defs = await discoverActions();
    expect([...defs.keys()].filter((n) => !ACTIONS[n]), "server actions without a matrix entry").toEqual([]);
    expect(Object.keys(ACTIONS).filter((n) => !defs.has(n)), "matrix entries without an action").toEqual([]);
    const mismatches: string[] = [];
    for (const [name, c] of Object.entries(ACTIONS)) {
      const actual: number[] = [];
      for (const a of ACTORS) {
        const actor = a === "anon" ? null : a === "roKey" || a === "rwKey" ? keyActors[a]! : fx.actors[a];
        const res = await invokeAction(defs.get(name)!, actor, await c.input(fx, a));
        actual.push(res.ok ? 200 : res.status);
      }
      if (JSON.stringify(actual) !== JSON.stringify(c.expect)) mismatches.push(`${name}\n    expected ${JSON.stringify(c.expect)}\n    actual   ${JSON.stringify(actual)}`);
    }
    expect(mismatches, `actors: ${ACTORS.join(", ")}`).toEqual([]);
  }, 180_000);
});
