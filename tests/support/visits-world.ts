/** Small builders for the visits/locations/sessions integration tests: own rows, route calls with a bearer token. */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Actor, Ctx } from "../../src/server/auth/actor";
import { issueAccessToken } from "../../src/server/auth/tokens";
import { TEST_NOW_HEADER } from "../../src/server/http/request-clock";
import { queryRows, type Db } from "../../src/server/db/client";
import { locations, personnel, type PersonnelRole } from "../../src/server/db/schema";

let seq = 0;
export async function makePerson(db: Db, role: PersonnelRole, managerId: number | null = null): Promise<Actor> {
  const n = `${role}-${process.pid}-${++seq}-${randomUUID().slice(0, 8)}`;
  const [p] = await db.insert(personnel).values({ name: n, email: `${n}@test.local`, role, managerId }).returning({ id: personnel.id });
  return { id: p!.id, role, name: n, email: `${n}@test.local`, via: "access_token", readOnly: false };
}

export async function makeLocation(db: Db, lat: number, lon: number, radius = 50, active = true): Promise<number> {
  const [l] = await db
    .insert(locations)
    .values({ name: `loc-${++seq}`, coordinates: { lat, lng: lon }, geofenceRadius: radius, active })
    .returning({ id: locations.id });
  return l!.id;
}

export const ctxFor = (db: Db, actor: Actor, now = new Date()): Ctx => ({ db, actor, now });

type Handler<P> = (req: Request, ctx: { params: Promise<P> }) => Promise<Response>;
/** `now`: the request's clock (X-Fieldbeat-Test-Now, honoured under NODE_ENV=test); the bearer token is issued then too. */
export type CallOpts = { as?: number; body?: unknown; raw?: string; contentType?: string; params?: Record<string, string>; method?: string; now?: Date };

// Tests read answers as loose JSON and assert on them field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type LooseJson = any;

/** Calls a route handler the way Next does, with `Authorization: Bearer <access token>` for `as`. */
export async function call<P = Record<string, string>>(handler: Handler<P>, url: string, o: CallOpts = {}): Promise<{ status: number; body: LooseJson; text: string }> {
  const headers: Record<string, string> = {};
  if (o.as !== undefined) headers.authorization = "Bearer " + (await issueAccessToken(o.as, o.now ?? new Date()));
  if (o.now) headers[TEST_NOW_HEADER] = o.now.toISOString();
  const hasBody = o.body !== undefined || o.raw !== undefined;
  if (hasBody) headers["content-type"] = o.contentType ?? "application/json";
  const req = new Request(`http://localhost${url}`, {
    method: o.method ?? (hasBody ? "POST" : "GET"),
    headers,
    body: o.raw ?? (o.body !== undefined ? JSON.stringify(o.body) : undefined),
  });
  const res = await handler(req, { params: Promise.resolve((o.params ?? {}) as P) });
  const text = await res.text();
  return { status: res.status, text, body: text ? JSON.parse(text) : null };
}

/** Row counts of every table a visits mutation may write: compare before/after a refused request. */
export async function writeCounts(db: Db): Promise<Record<string, number>> {
  const [row] = await queryRows<Record<string, number>>(
    db,
    sql`SELECT (SELECT count(*)::int FROM visits) AS visits, (SELECT count(*)::int FROM location_validations) AS validations,
               (SELECT count(*)::int FROM events) AS events, (SELECT count(*)::int FROM daily_sessions) AS sessions,
               (SELECT count(*)::int FROM idempotency_keys) AS keys,
               (SELECT count(*)::int FROM planned_visits WHERE visit_id IS NOT NULL) AS planned_done,
               (SELECT coalesce(sum(total_visits), 0)::int FROM daily_sessions) AS session_visits`,
  );
  return row!;
}

export const fixturesDir = () => path.resolve(process.env.FIXTURES_DIR ?? path.join(process.cwd(), "../shared/fixtures"));
export const hasFixtures = (sub: string) => existsSync(path.join(fixturesDir(), sub));

/** lat/lon of a photo from exiftool's reference output (Composite:GPSLatitude/GPSLongitude). */
export function photoFix(file: string): { lat: number; lon: number } {
  const ref = JSON.parse(readFileSync(path.join(fixturesDir(), "photos/exiftool-reference.json"), "utf8")) as Array<Record<string, unknown>>;
  const e = ref.find((r) => String(r.SourceFile).endsWith(file));
  if (!e) throw new Error(`no exiftool entry for ${file}`);
  return { lat: Number(e["Composite:GPSLatitude"]), lon: Number(e["Composite:GPSLongitude"]) };
}

export const uuid = () => randomUUID();
export const isoAgo = (ms: number, from = new Date()) => new Date(from.getTime() - ms).toISOString();
