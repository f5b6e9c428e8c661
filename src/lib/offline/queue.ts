import { STORES, type OfflineDb } from "./db";
import type { QueueItem, QueuedAction } from "./queue-types";

const clientIdOf = (a: QueuedAction): string => (a.kind === "visit.selfie" ? a.meta.client_id : a.kind === "tracking.pings" ? a.body.pings[0]!.client_id : a.body.client_id);

/**
 * Writes an action to IndexedDB before anything is sent (DESIGN §8): from here on a reload, a killed tab or a new
 * app version cannot lose it. A selfie's Blob is stored in the same transaction. Both record their owner (the signed-in
 * person): replay sends only the current person's items. Enqueuing the same client_id twice keeps the first (a double
 * tap is one action).
 */
export async function enqueue(db: OfflineDb, owner: number, action: QueuedAction, now: Date, blob?: Blob): Promise<QueueItem> {
  const item: QueueItem = {
    ...action,
    owner,
    client_id: clientIdOf(action),
    status: "pending",
    created_at: now.toISOString(),
    attempts: 0,
    next_attempt_at: null,
    last_attempt_at: null,
    done_at: null,
    error: null,
    result: null,
  };
  const tx = db.transaction([STORES.queue, STORES.blobs], "readwrite");
  const existing = await tx.objectStore(STORES.queue).index("by_client_id").get(item.client_id);
  if (existing) {
    await tx.done;
    return existing;
  }
  item.seq = await tx.objectStore(STORES.queue).add(item);
  if (blob) await tx.objectStore(STORES.blobs).put({ key: item.client_id, blob, type: blob.type, created_at: item.created_at, owner });
  await tx.done;
  return item;
}

/** Every item in replay order (the Sync screen lists them all, done ones included). */
export const listItems = (db: OfflineDb): Promise<QueueItem[]> => db.getAll(STORES.queue);

export const getItemByClientId = (db: OfflineDb, clientId: string): Promise<QueueItem | undefined> => db.getFromIndex(STORES.queue, "by_client_id", clientId);

export async function updateItem(db: OfflineDb, item: QueueItem): Promise<void> {
  await db.put(STORES.queue, item);
}

/** A failed item goes back to pending for an immediate try (the Sync screen's Retry). */
export async function retryItem(db: OfflineDb, seq: number): Promise<void> {
  const item = await db.get(STORES.queue, seq);
  if (!item || item.status !== "failed") return;
  await db.put(STORES.queue, { ...item, status: "pending", next_attempt_at: null, error: null });
}

/**
 * Deletes an item and its Blob: the rep gives up on one of their failed items (the Sync screen's Discard), or the
 * person holding the phone discards another account's unsent item explicitly. Never a pending item of `me`.
 */
export async function discardItem(db: OfflineDb, seq: number, me: number): Promise<void> {
  const tx = db.transaction([STORES.queue, STORES.blobs], "readwrite");
  const item = await tx.objectStore(STORES.queue).get(seq);
  if (item && (item.status === "failed" || (item.owner !== me && item.status !== "done"))) {
    await tx.objectStore(STORES.queue).delete(seq);
    await tx.objectStore(STORES.blobs).delete(item.client_id);
  }
  await tx.done;
}

/** Items of version 1 whose owner is unknown: the person who says they are theirs takes them (the Sync screen asks). */
export async function claimUnownedItems(db: OfflineDb, me: number): Promise<number> {
  const tx = db.transaction([STORES.queue, STORES.blobs], "readwrite");
  let n = 0;
  for (let c = await tx.objectStore(STORES.queue).openCursor(); c; c = await c.continue()) {
    if (c.value.owner !== null) continue;
    await c.update({ ...c.value, owner: me });
    const blob = await tx.objectStore(STORES.blobs).get(c.value.client_id);
    if (blob) await tx.objectStore(STORES.blobs).put({ ...blob, owner: me });
    n++;
  }
  await tx.done;
  return n;
}

export const getBlob = async (db: OfflineDb, key: string): Promise<Blob | undefined> => (await db.get(STORES.blobs, key))?.blob;

/** How long a sent (done) item other than pings stays on the phone: the Sync screen and today's verdicts show it. */
export const SENT_KEEP_MS = 24 * 3600_000;

/**
 * Removes what the server has answered (issue #17 item 6), so the queue does not grow for ever: sent ping batches at
 * once (a day holds thousands, nothing reads them again), other sent items once older than SENT_KEEP_MS — except a
 * check-in that a not-yet-sent check-out or selfie still needs for its visit id. Failed and pending items are kept.
 * Returns how many items were removed.
 */
export async function pruneSent(db: OfflineDb, now: Date): Promise<number> {
  const tx = db.transaction(STORES.queue, "readwrite");
  const all = await tx.store.getAll();
  const needed = new Set<string>();
  for (const i of all) if (i.status !== "done" && (i.kind === "visit.check_out" || i.kind === "visit.selfie")) needed.add(i.check_in_client_id);
  let removed = 0;
  for (const i of all) {
    if (i.status !== "done" || i.seq === undefined || needed.has(i.client_id)) continue;
    const old = i.done_at !== null && Date.parse(i.done_at) <= now.getTime() - SENT_KEEP_MS;
    if (i.kind === "tracking.pings" || old) {
      await tx.store.delete(i.seq);
      removed++;
    }
  }
  await tx.done;
  return removed;
}
