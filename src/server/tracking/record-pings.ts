import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { arrayLiteral } from "../db/array-literal";
import type { Db } from "../db/client";
import { ph, preparedStatement } from "../db/prepared";
import { locationPings } from "../db/schema";
import { AppError } from "../errors";
import { emitEvent } from "../realtime/outbox";
import { storeSessionTravel, type TravelHint } from "./compute-travel";
import { detectSessionGaps } from "./detect-gaps";
import { ensurePingPartitions, utcDaySpan } from "./ping-partitions";
import {
  MAX_PING_AGE_MS,
  MAX_PING_FUTURE_MS,
  MAX_PINGS_PER_BATCH,
  type PingInput,
  type PingRejectReason,
  type RecordPingsInput,
  type RecordPingsResult,
} from "@/contracts/tracking";
import { loadWorkHours, placeInWorkDay } from "./work-hours";
import { settleAll } from "@/lib/settle-all";
import { addDays } from "@/lib/time";

type OpenDay = { id: number; status: string; loginTime: Date | null; travelCheckpoint: unknown };

export const batchTooLarge = (n: number) =>
  new AppError("BATCH_TOO_LARGE", `A batch may hold at most ${MAX_PINGS_PER_BATCH} pings (got ${n}); send the rest in another request.`, {
    field: "pings",
  });

/**
 * Stores a batch of breadcrumbs for the acting rep, in one transaction. Each ping is judged on its
 * own: only fixes taken during the rep's OPEN day (org-local date of captured_at) and inside work
 * hours are stored; the others are answered with a reason and dropped. A client_id already stored is
 * a replay (counted in `duplicates`, never an error), so a retried or concurrently repeated batch
 * stores each fix once. Afterwards the touched days' travel distance and gaps are recomputed and
 * one `tracking.pings` outbox event carries the newest accepted position for the live map.
 */
export async function recordPings(ctx: Ctx, input: RecordPingsInput): Promise<RecordPingsResult> {
  requirePermission(ctx.actor, "tracking.write");
  if (input.pings.length > MAX_PINGS_PER_BATCH) throw batchTooLarge(input.pings.length);
  // The day partitions this batch can write to (ping-partitions.ts), before its transaction: creating a missing day
  // locks the parent table for a moment, never for the batch's duration. Only days inside the accepted window count:
  // a ping older or later than it is refused below and needs none. Usually they all exist (one catalog look-up).
  const span = acceptedSpan(input.pings, ctx.now);
  if (span) await ensurePingPartitions(ctx.db, span.from, span.to);
  return ctx.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const rejected: RecordPingsResult["rejected"] = [];
    const reject = (p: PingInput, reason: PingRejectReason) => rejected.push({ client_id: p.client_id, reason });

    // A replay of a stored fix is a duplicate even if its day has closed since: check that first.
    // The three reads are independent: sent together, they share one round trip on the transaction's connection.
    // The rep's days around the batch's instants are among them: a fix's org-local date is within a day of its UTC
    // date whatever the zone, so the days that can hold it are among these.
    const allIds = arrayLiteral(input.pings.map((p) => p.client_id));
    // Stored fixes are looked for in the days around the batch's accepted window only, so the look-up touches a
    // day's partition or two, not every partition kept (the key is (client_id, captured_at): a replay carries its
    // instant). A replay of a fix older than the window is answered too_old, which also tells the client to drop it.
    const [lookFrom, lookTo] = lookupRange(span, ctx.now);
    const [hours, stored, days] = await settleAll([
      loadWorkHours(tx),
      storedFixes<StoredFix>(tx, { ids: allIds, from: lookFrom, to: lookTo }),
      daysAround(tx, ctx.actor.id, input.pings, ctx.now),
    ] as const);
    const seen = new Set<string>(stored.map((r) => r.client_id));
    const storedById = new Map(stored.map((r) => [r.client_id, r]));
    let repeatedInBatch = 0;
    const candidates: { ping: PingInput; at: Date; date: string }[] = [];
    for (const ping of input.pings) {
      const at = new Date(ping.captured_at);
      const key = ping.client_id.toLowerCase();
      const prior = storedById.get(key);
      if (prior && !sameFix(prior, ping, ctx.actor.id)) {
        reject(ping, "client_id_reused"); // the same id for another fix: not a replay, and never stored over the first
        continue;
      }
      if (seen.has(key)) {
        repeatedInBatch++; // already stored, or twice in this batch: a replay
        continue;
      }
      seen.add(key);
      if (at.getTime() > ctx.now.getTime() + MAX_PING_FUTURE_MS) reject(ping, "future_timestamp");
      else if (at.getTime() < ctx.now.getTime() - MAX_PING_AGE_MS) reject(ping, "too_old");
      else {
        const place = placeInWorkDay(at, hours);
        if (!place.inWorkHours) reject(ping, "outside_work_hours");
        else candidates.push({ ping, at, date: place.date });
      }
    }

    const rows: (typeof locationPings.$inferInsert)[] = [];
    for (const c of candidates) {
      const day = days.get(c.date);
      if (!day || day.status !== "OPEN") reject(c.ping, "no_open_day");
      else if (day.loginTime && c.at < day.loginTime) reject(c.ping, "before_day_start");
      else
        rows.push({
          clientId: c.ping.client_id.toLowerCase(),
          personnelId: ctx.actor.id,
          sessionId: day.id,
          coords: { lat: c.ping.lat, lng: c.ping.lon },
          accuracyM: c.ping.accuracy_m,
          speed: c.ping.speed ?? null,
          heading: c.ping.heading ?? null,
          source: c.ping.source ?? null,
          capturedAt: c.at,
          receivedAt: ctx.now,
        });
    }

    // ON CONFLICT DO NOTHING: a concurrent twin of this batch waits on the unique index, then skips.
    const inserted = rows.length ? await insertPings(tx, ctx.actor.id, ctx.now, rows) : [];
    const insertedIds = new Set(inserted.map((r) => r.client_id));
    const accepted = rows.filter((r) => insertedIds.has(r.clientId));

    let gapsRecorded = 0;
    if (accepted.length > 0) {
      // Sorted, so two batches touching the same days lock their rows in the same order.
      const sessionIds = [...new Set(accepted.map((r) => r.sessionId!))].sort((a, b) => a - b);
      const checkpoints = new Map([...days.values()].map((d) => [d.id, d.travelCheckpoint]));
      const newest = accepted.reduce((a, b) => (b.capturedAt! > a.capturedAt! ? b : a));
      // The outbox row is independent of the day's figures: queued with them (one round trip fewer).
      const event = emitEvent(tx, {
        type: "tracking.pings",
        personnelId: ctx.actor.id,
        payload: {
          accepted: accepted.length,
          session_id: newest.sessionId,
          position: { lat: newest.coords.lat, lon: newest.coords.lng, accuracy_m: newest.accuracyM, captured_at: (newest.capturedAt as Date).toISOString() },
        },
      });
      try {
        for (const sessionId of sessionIds) {
          // Independent (the day's kilometres; its gaps): queued together on the transaction's connection.
          // The day's km resumes from its checkpoint (read under the day's lock) when the new fixes all come after it.
          const times = accepted.filter((r) => r.sessionId === sessionId).map((r) => (r.capturedAt as Date).getTime());
          const hint: TravelHint = { checkpoint: checkpoints.get(sessionId), addedUs: times.map((ms) => ms * 1000) };
          const around = { from: new Date(Math.min(...times)), to: new Date(Math.max(...times)) };
          const [, gaps] = await settleAll([storeSessionTravel(tx, sessionId, hint), detectSessionGaps(tx, sessionId, input.gaps ?? [], around)] as const);
          gapsRecorded += gaps.created;
        }
      } finally {
        await event.catch(() => undefined); // never left pending; its own failure surfaces below
      }
      await event;
    }
    return { accepted: accepted.length, duplicates: rows.length - accepted.length + repeatedInBatch, rejected, gaps_recorded: gapsRecorded };
  });
}

const storedFixes = preparedStatement(
  "pings_stored",
  () =>
    sql`SELECT client_id::text, personnel_id, ST_Y(coords::geometry) AS lat, ST_X(coords::geometry) AS lon, accuracy_m,
               (extract(epoch FROM captured_at) * 1000)::float8 AS captured_ms
        FROM location_pings WHERE client_id = ANY(${ph("ids")}::uuid[]) AND captured_at >= ${ph("from")}::timestamptz AND captured_at < ${ph("to")}::timestamptz`,
);

type PingRow = typeof locationPings.$inferInsert;
type StoredFix = { client_id: string; personnel_id: unknown; lat: unknown; lon: unknown; accuracy_m: unknown; captured_ms: unknown };

/**
 * A stored ping is its own request fingerprint: a replay must carry the same fix (person, instant, position and
 * accuracy as stored: accuracy is a float4 column, so compared at that precision); anything else is a reused id.
 */
function sameFix(prior: StoredFix, ping: PingInput, personnelId: number): boolean {
  return (
    Number(prior.personnel_id) === personnelId &&
    Number(prior.captured_ms) === Date.parse(ping.captured_at) &&
    Number(prior.lat) === ping.lat &&
    Number(prior.lon) === ping.lon &&
    Math.fround(Number(prior.accuracy_m)) === Math.fround(ping.accuracy_m)
  );
}

/**
 * The batch in one statement with ten array parameters (unnest), whatever its size: the same statement text for
 * every batch, so it is prepared once per connection, where a multi-row VALUES list would be parsed and planned
 * again for each batch (and, with 10 parameters a row, cannot be prepared at all).
 */
async function insertPings(tx: Db, personnelId: number, now: Date, rows: PingRow[]): Promise<{ client_id: string }[]> {
  return insertBatch<{ client_id: string }>(tx, {
    me: personnelId,
    now: now.toISOString(),
    c: arrayLiteral(rows.map((r) => r.clientId)),
    s: arrayLiteral(rows.map((r) => r.sessionId)),
    lat: arrayLiteral(rows.map((r) => r.coords.lat)),
    lon: arrayLiteral(rows.map((r) => r.coords.lng)),
    acc: arrayLiteral(rows.map((r) => r.accuracyM)),
    sp: arrayLiteral(rows.map((r) => r.speed)),
    hd: arrayLiteral(rows.map((r) => r.heading)),
    src: arrayLiteral(rows.map((r) => r.source)),
    t: arrayLiteral(rows.map((r) => (r.capturedAt as Date).toISOString())),
  });
}

const insertBatch = preparedStatement(
  "pings_insert",
  () =>
    sql`INSERT INTO location_pings (client_id, personnel_id, session_id, coords, accuracy_m, speed, heading, source, captured_at, received_at)
        SELECT c, ${ph("me")}::int, s, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography, acc, sp, hd, src, t, ${ph("now")}::timestamptz
        FROM unnest(${ph("c")}::uuid[], ${ph("s")}::int[], ${ph("lat")}::float8[], ${ph("lon")}::float8[], ${ph("acc")}::real[], ${ph("sp")}::real[],
                    ${ph("hd")}::real[], ${ph("src")}::varchar[], ${ph("t")}::timestamptz[]) AS x(c, s, lat, lon, acc, sp, hd, src, t)
        ON CONFLICT (client_id, captured_at) DO NOTHING
        RETURNING client_id::text AS client_id`,
);

const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The UTC days of the batch's pings that may be stored (inside the accepted window), or null when none may. */
function acceptedSpan(pings: readonly PingInput[], now: Date): { from: string; to: string } | null {
  const floor = now.getTime() - MAX_PING_AGE_MS;
  const ceiling = now.getTime() + MAX_PING_FUTURE_MS;
  const kept: Date[] = [];
  for (const p of pings) {
    const t = Date.parse(p.captured_at);
    if (t >= floor && t <= ceiling) kept.push(new Date(t));
  }
  return utcDaySpan(kept);
}

/** Where stored twins of the batch can be: its accepted days, a day either side; an empty range when none. */
function lookupRange(span: { from: string; to: string } | null, now: Date): [string, string] {
  if (!span) return [now.toISOString(), now.toISOString()];
  return [`${addDays(span.from, -1)}T00:00:00Z`, `${addDays(span.to, 2)}T00:00:00Z`];
}

/**
 * The rep's days (any status) dated from the day before the batch's earliest accepted-age fix to the day after its
 * latest, in UTC dates: every org-local date a kept fix can have (offsets are within ±14 h) is in that range. Fixes
 * too old or too far ahead are refused anyway, so the range is clamped to what can be kept.
 * The rows are locked (FOR NO KEY UPDATE, in id order) until the batch commits, so a day cannot close under it
 * (issue #17 item 6): "End day" (FOR UPDATE on the open day) waits for the batch and then counts its pings, or the
 * batch waits for "End day" and then reads the day as closed (no_open_day). A plain read would let a batch insert
 * into a day that closed, without those pings, between its read and its commit.
 * Each day's travel checkpoint is read in the same statement, under the same lock: two batches of one day update its
 * kilometres in turn, the second resuming from the checkpoint the first stored (a row read after a lock wait is the
 * latest committed version), and the second's fixes get the later ids.
 */
async function daysAround(tx: Db, personnelId: number, pings: readonly PingInput[], now: Date): Promise<Map<string, OpenDay>> {
  const out = new Map<string, OpenDay>();
  const floor = now.getTime() - MAX_PING_AGE_MS;
  const ceiling = now.getTime() + MAX_PING_FUTURE_MS;
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of pings) {
    const t = Math.min(Math.max(Date.parse(p.captured_at), floor), ceiling);
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  if (!Number.isFinite(lo)) return out;
  const found = await lockDays<{ id: number; session_date: unknown; status: string; login_time: unknown; travel_checkpoint: unknown }>(tx, {
    me: personnelId,
    from: addDays(utcDate(lo), -1),
    to: addDays(utcDate(hi), 1),
  });
  for (const r of found) {
    out.set(String(r.session_date), {
      id: r.id,
      status: r.status,
      loginTime: r.login_time == null ? null : new Date(r.login_time as string),
      travelCheckpoint: r.travel_checkpoint,
    });
  }
  return out;
}

const lockDays = preparedStatement(
  "pings_days",
  () =>
    sql`SELECT id, session_date::text AS session_date, status, login_time, travel_checkpoint FROM daily_sessions
        WHERE personnel_id = ${ph("me")} AND session_date BETWEEN ${ph("from")}::date AND ${ph("to")}::date
        ORDER BY id FOR NO KEY UPDATE`,
);
