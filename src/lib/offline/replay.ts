import { ApiError, NetworkError } from "../api/client";
import type { RepApi } from "../api/endpoints";
import { lastSyncKey, setMeta, STORES, type OfflineDb } from "./db";
import { getBlob, getItemByClientId, pruneSent, updateItem } from "./queue";
import type { QueueItem } from "./queue-types";

import { MAX_GAPS_PER_BATCH, MAX_PINGS_PER_BATCH } from "@/contracts/field-rules";
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_MAX_MS = 5 * 60_000;

/** Wait before the n-th retry (n ≥ 1): 2 s, 4 s, 8 s … capped at 5 minutes. */
export const backoffMs = (attempts: number) => Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));

export type DrainReport = { sent: number; failed: number; stoppedBy: null | "backoff" | "network" | "server" | "unauthorized" | "busy" };

export type DrainDeps = {
  db: OfflineDb;
  api: RepApi;
  /** The signed-in person (whose session `api` speaks with): only their items are sent. */
  owner: number;
  now?: () => Date;
  /** Try now whatever the backoff says (the browser came back online, or the rep pressed "Sync now"). */
  ignoreBackoff?: boolean;
};

/** The server visit id of a synced check-in, from its stored answer. */
const visitIdOf = (item: QueueItem | undefined): number | null => {
  const id = (item?.result as { visit?: { id?: unknown } } | null)?.visit?.id;
  return typeof id === "number" ? id : null;
};

/**
 * Sent a minute or more after it was taken: the queue says so with the time the rep acted (the item's own time), and the
 * server excuses the old fix only when that time matches the fix (visits/evidence.ts, offlineReplayConsistent).
 */
const late = (item: QueueItem, deps: DrainDeps) =>
  (deps.now?.() ?? new Date()).getTime() - Date.parse(item.created_at) >= 60_000 ? { offline_replay: true, queued_at: item.created_at } : {};

type Step = { kind: "sent"; items: QueueItem[]; result: unknown } | { kind: "blocked" } | { kind: "refused"; message: string; code: string };

/** Sends one item (or a run of consecutive ping items as one batch). Check-out and selfie wait for their check-in. */
async function sendStep(deps: DrainDeps, item: QueueItem, run: QueueItem[]): Promise<Step> {
  const { api, db } = deps;
  switch (item.kind) {
    case "session.start":
      return { kind: "sent", items: [item], result: await api.startDay(item.body) };
    case "session.end":
      return { kind: "sent", items: [item], result: await api.endDay(item.body) };
    case "plan.put":
      return { kind: "sent", items: [item], result: await api.putPlan(item.personnel_id, item.date, item.body) };
    case "visit.check_in":
      return { kind: "sent", items: [item], result: await api.checkIn({ ...item.body, ...late(item, deps) }) };
    case "tracking.pings": {
      const pings = run.flatMap((i) => (i.kind === "tracking.pings" ? i.body.pings : []));
      const gaps = run.flatMap((i) => (i.kind === "tracking.pings" ? (i.body.gaps ?? []) : []));
      // pingRun keeps the run within both caps; a single item over the gap cap (an old queue) sends its first gaps.
      return { kind: "sent", items: run, result: await api.pings({ pings, ...(gaps.length ? { gaps: gaps.slice(0, MAX_GAPS_PER_BATCH) } : {}) }) };
    }
    case "visit.check_out":
    case "visit.selfie": {
      // A check-in known from the server only (another phone, cleared data) names its visit itself.
      const checkIn = item.visit_id === undefined ? await getItemByClientId(db, item.check_in_client_id) : undefined;
      if (item.visit_id === undefined && (!checkIn || checkIn.status === "failed")) return { kind: "refused", code: "CHECK_IN_NOT_SYNCED", message: "Its check-in was refused or discarded, so this cannot be sent." };
      const visitId = item.visit_id ?? visitIdOf(checkIn);
      if (visitId === null) return { kind: "blocked" };
      if (item.kind === "visit.check_out") return { kind: "sent", items: [item], result: await api.checkOut({ ...item.body, ...late(item, deps), visit_id: visitId }) };
      const blob = await getBlob(db, item.client_id);
      if (!blob) return { kind: "refused", code: "PHOTO_MISSING", message: "The photo is no longer on this device." };
      return { kind: "sent", items: [item], result: await api.uploadSelfie(visitId, blob, item.meta) };
    }
  }
}

/** Consecutive pending ping items from `start`, at most MAX_PINGS_PER_BATCH pings and MAX_GAPS_PER_BATCH gaps in all (the server's caps). */
export function pingRun(items: QueueItem[], start: number): QueueItem[] {
  const run: QueueItem[] = [];
  let count = 0;
  let gapCount = 0;
  for (let i = start; i < items.length; i++) {
    const it = items[i]!;
    if (it.kind !== "tracking.pings" || it.status !== "pending") break;
    const gaps = it.body.gaps?.length ?? 0;
    if (run.length && (count + it.body.pings.length > MAX_PINGS_PER_BATCH || gapCount + gaps > MAX_GAPS_PER_BATCH)) break;
    run.push(it);
    count += it.body.pings.length;
    gapCount += gaps;
  }
  return run;
}

/**
 * Replays the signed-in person's queue in order (DESIGN §8). A refusal (4xx other than 401/429) marks the item failed with the
 * server's message and the replay goes on; a network error, 5xx or 429 schedules a retry with backoff (Retry-After
 * when given) and stops, so nothing overtakes it; a 401 stops until the person signs in again. Done items are never
 * sent again; the server's idempotency on client_id makes a resend after a lost answer harmless.
 */
export async function drainQueue(deps: DrainDeps): Promise<DrainReport> {
  const now = deps.now ?? (() => new Date());
  try {
    return await drainPending(deps, now);
  } finally {
    // After the server's answers: what it accepted leaves the phone (failed and pending items stay).
    await pruneSent(deps.db, now()).catch(() => undefined);
  }
}

async function drainPending(deps: DrainDeps, now: () => Date): Promise<DrainReport> {
  // Only the signed-in person's items: another account's work waits on this phone until they sign in again.
  const items = (await deps.db.getAllFromIndex(STORES.queue, "by_owner", deps.owner)).filter((i) => i.status === "pending");
  const report: DrainReport = { sent: 0, failed: 0, stoppedBy: null };
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.status !== "pending") continue; // already sent as part of a ping batch
    if (!deps.ignoreBackoff && item.next_attempt_at && Date.parse(item.next_attempt_at) > now().getTime()) return { ...report, stoppedBy: "backoff" };
    const run = item.kind === "tracking.pings" ? pingRun(items, i) : [item];
    const at = now().toISOString();
    try {
      const step = await sendStep(deps, item, run);
      if (step.kind === "blocked") return { ...report, stoppedBy: "backoff" };
      if (step.kind === "refused") {
        await updateItem(deps.db, { ...item, status: "failed", last_attempt_at: at, error: { status: null, code: step.code, message: step.message } });
        report.failed++;
        continue;
      }
      for (const done of step.items) {
        Object.assign(done, { status: "done", attempts: done.attempts + 1, last_attempt_at: at, done_at: at, error: null, next_attempt_at: null, result: step.result });
        await updateItem(deps.db, done);
        if (done.kind === "visit.selfie") await deps.db.delete(STORES.blobs, done.client_id);
      }
      report.sent += step.items.length;
      await setMeta(deps.db, lastSyncKey(deps.owner), at);
    } catch (err) {
      const stop = await recordFailure(deps.db, run, err, now());
      if (stop) return { ...report, stoppedBy: stop };
      report.failed += run.length;
    }
  }
  return report;
}

/** A permanent refusal marks the items failed (null: go on); anything else schedules a retry and stops the replay. */
async function recordFailure(db: OfflineDb, run: QueueItem[], err: unknown, now: Date): Promise<DrainReport["stoppedBy"]> {
  const at = now.toISOString();
  if (err instanceof ApiError && err.permanent) {
    for (const it of run) await updateItem(db, { ...it, status: "failed", attempts: it.attempts + 1, last_attempt_at: at, error: { status: err.status, code: err.code, message: err.message } });
    return null;
  }
  if (err instanceof ApiError && err.status === 401) {
    const message = err.code === "ACCOUNT_MISMATCH" ? "Another account is signed in: this waits for its owner to sign in." : "Signed out: sign in again to send this.";
    for (const it of run) await updateItem(db, { ...it, last_attempt_at: at, error: { status: 401, code: err.code, message } });
    return "unauthorized";
  }
  const first = run[0]!;
  const attempts = first.attempts + 1;
  const wait = err instanceof ApiError && err.retryAfterS !== undefined ? err.retryAfterS * 1000 : backoffMs(attempts);
  const error =
    err instanceof ApiError ? { status: err.status, code: err.code, message: err.message } : { status: null, code: "NETWORK", message: err instanceof NetworkError ? "No connection; will retry." : String(err) };
  for (const it of run) await updateItem(db, { ...it, attempts, last_attempt_at: at, next_attempt_at: new Date(now.getTime() + wait).toISOString(), error });
  return err instanceof ApiError ? "server" : "network";
}

/**
 * One replay at a time across tabs and the service worker (Web Locks where the browser has them): a second caller
 * waits for the first to finish, then finds only what is still pending, so the same item is never sent in parallel.
 */
export async function drainExclusive(deps: DrainDeps): Promise<DrainReport> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return drainQueue(deps);
  return locks.request("fieldbeat-queue", () => drainQueue(deps));
}
