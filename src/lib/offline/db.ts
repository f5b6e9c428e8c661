import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from "idb";
import type { QueueItem } from "./queue-types";

/**
 * The PWA's IndexedDB (DESIGN §8). Store names and the version are a contract with data already on reps' phones:
 * never rename a store or change a key path; add a new version with its own upgrade step instead.
 */
export const DB_NAME = "fieldbeat";
export const DB_VERSION = 2;
export const STORES = { queue: "queue", blobs: "blobs", cache: "cache", meta: "meta" } as const;

/** `owner`: the person (personnel id) who recorded it; null only for data from version 1 whose owner is unknown. */
export type BlobRecord = { key: string; blob: Blob; type: string; created_at: string; owner: number | null };
export type CacheRecord = { key: string; value: unknown; saved_at: string };

export interface FieldbeatDb extends DBSchema {
  /** Every action, written before it is sent; `seq` is the replay order. */
  queue: { key: number; value: QueueItem; indexes: { by_client_id: string; by_status: string; by_owner: number } };
  /** Selfies (and any other binary) until uploaded, keyed by the owning item's client_id. */
  blobs: { key: string; value: BlobRecord };
  /** Last good answers for offline reads (today's plan, the day's session). */
  cache: { key: string; value: CacheRecord };
  /** Small facts: the signed-in person (`signed_in`), each person's consent and last successful sync. */
  meta: { key: string; value: { key: string; value: unknown } };
}

export type OfflineDb = IDBPDatabase<FieldbeatDb>;

type UpgradeTx = IDBPTransaction<FieldbeatDb, StoreNames<FieldbeatDb>[], "versionchange">;

/** One upgrade step per version, run in order from the version on the device (0 for a new install). */
const UPGRADES: Record<number, (db: IDBPDatabase<FieldbeatDb>, tx: UpgradeTx) => void> = {
  1: (db) => {
    const queue = db.createObjectStore(STORES.queue, { keyPath: "seq", autoIncrement: true });
    queue.createIndex("by_client_id", "client_id", { unique: true });
    queue.createIndex("by_status", "status");
    db.createObjectStore(STORES.blobs, { keyPath: "key" });
    db.createObjectStore(STORES.cache, { keyPath: "key" });
    db.createObjectStore(STORES.meta, { keyPath: "key" });
  },
  // 2: every item and blob records who queued it, so a second person signing in on the same phone never sends the
  // first one's work with their own session. Items of version 1 belong to the person whose plan is cached (the
  // last one who used the app); with no cached plan the owner is unknown (null) and the Sync screen asks.
  2: (_db, tx) => {
    const queue = tx.objectStore(STORES.queue);
    queue.createIndex("by_owner", "owner");
    void (async () => {
      const plan = (await tx.objectStore(STORES.cache).get("plan_today"))?.value as { personnel_id?: unknown } | undefined;
      const owner = typeof plan?.personnel_id === "number" ? plan.personnel_id : null;
      for (let c = await queue.openCursor(); c; c = await c.continue()) if (c.value.owner === undefined) await c.update({ ...c.value, owner });
      const blobs = tx.objectStore(STORES.blobs);
      for (let c = await blobs.openCursor(); c; c = await c.continue()) {
        if (c.value.owner !== undefined) continue;
        const item = await queue.index("by_client_id").get(c.value.key);
        await c.update({ ...c.value, owner: item?.owner ?? owner });
      }
      // Consent was per phone; it is per person now.
      const consent = await tx.objectStore(STORES.meta).get("consent");
      if (consent && owner !== null) await tx.objectStore(STORES.meta).put({ key: consentKey(owner), value: consent.value });
    })();
  },
};

export const consentKey = (owner: number) => `consent:${owner}`;
export const lastSyncKey = (owner: number) => `last_sync_success:${owner}`;
/** Who is signed in on this phone (set by the app when it opens, cleared at sign-out): the service worker replays only their items. */
export const SIGNED_IN = "signed_in";

let opening: Promise<OfflineDb> | null = null;

/** The one connection per page (or service worker). A newer version in another tab closes this one so it can upgrade. */
export function openOfflineDb(name = DB_NAME): Promise<OfflineDb> {
  if (name !== DB_NAME) return open(name);
  opening ??= open(name).catch((err: unknown) => {
    opening = null;
    throw err;
  });
  return opening;
}

function open(name: string): Promise<OfflineDb> {
  return openDB<FieldbeatDb>(name, DB_VERSION, {
    upgrade(db, oldVersion, newVersion, tx) {
      for (let v = oldVersion + 1; v <= (newVersion ?? DB_VERSION); v++) UPGRADES[v]?.(db, tx);
    },
    blocking(_current, _next, event) {
      // A new app version wants to upgrade the schema: let it (this tab reopens on its next use).
      (event.target as IDBDatabase).close();
      opening = null;
    },
    terminated() {
      opening = null;
    },
  });
}

export async function getMeta<T>(db: OfflineDb, key: string): Promise<T | undefined> {
  return (await db.get(STORES.meta, key))?.value as T | undefined;
}
export async function setMeta(db: OfflineDb, key: string, value: unknown): Promise<void> {
  await db.put(STORES.meta, { key, value });
}
export async function getCached<T>(db: OfflineDb, key: string): Promise<{ value: T; saved_at: string } | undefined> {
  const r = await db.get(STORES.cache, key);
  return r ? { value: r.value as T, saved_at: r.saved_at } : undefined;
}
export async function setCached(db: OfflineDb, key: string, value: unknown, now = new Date()): Promise<void> {
  await db.put(STORES.cache, { key, value, saved_at: now.toISOString() });
}

/** Sign-out: nobody is signed in on this phone until the app opens again (the service worker then replays nothing). */
export async function forgetSignedIn(): Promise<void> {
  await (await openOfflineDb()).delete(STORES.meta, SIGNED_IN);
}

export const STORAGE_PERSISTED = "storage_persisted";

/**
 * Asks the browser to keep this origin's storage (the queue, its Blobs) under storage pressure instead of evicting it
 * (`navigator.storage.persist()`; issue #17 item 6). Called when the person accepts the consent screen, a user
 * gesture, which Chromium weighs. The answer is kept in meta; null when the browser has no such API.
 */
export async function requestPersistentStorage(db: OfflineDb, storage: Pick<StorageManager, "persist" | "persisted"> | undefined = globalThis.navigator?.storage): Promise<boolean | null> {
  if (!storage?.persist) return null;
  let granted: boolean;
  try {
    granted = (await storage.persisted?.()) || (await storage.persist());
  } catch {
    return null;
  }
  await setMeta(db, STORAGE_PERSISTED, granted);
  return granted;
}
