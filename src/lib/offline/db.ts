import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import type { QueueItem } from "./queue-types";

/**
 * The PWA's IndexedDB (DESIGN §8). Store names and the version are a contract with data already on reps' phones:
 * never rename a store or change a key path; add a new version with its own upgrade step instead.
 */
export const DB_NAME = "fieldbeat";
export const DB_VERSION = 1;
export const STORES = { queue: "queue", blobs: "blobs", cache: "cache", meta: "meta" } as const;

export type BlobRecord = { key: string; blob: Blob; type: string; created_at: string };
export type CacheRecord = { key: string; value: unknown; saved_at: string };

export interface FieldbeatDb extends DBSchema {
  /** Every action, written before it is sent; `seq` is the replay order. */
  queue: { key: number; value: QueueItem; indexes: { by_client_id: string; by_status: string } };
  /** Selfies (and any other binary) until uploaded, keyed by the owning item's client_id. */
  blobs: { key: string; value: BlobRecord };
  /** Last good answers for offline reads (today's plan, the day's session). */
  cache: { key: string; value: CacheRecord };
  /** Small facts: consent, last successful sync, the open day, the signed-in person. */
  meta: { key: string; value: { key: string; value: unknown } };
}

export type OfflineDb = IDBPDatabase<FieldbeatDb>;

/** One upgrade step per version, run in order from the version on the device (0 for a new install). */
const UPGRADES: Record<number, (db: IDBPDatabase<FieldbeatDb>) => void> = {
  1: (db) => {
    const queue = db.createObjectStore(STORES.queue, { keyPath: "seq", autoIncrement: true });
    queue.createIndex("by_client_id", "client_id", { unique: true });
    queue.createIndex("by_status", "status");
    db.createObjectStore(STORES.blobs, { keyPath: "key" });
    db.createObjectStore(STORES.cache, { keyPath: "key" });
    db.createObjectStore(STORES.meta, { keyPath: "key" });
  },
};

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
    upgrade(db, oldVersion, newVersion) {
      for (let v = oldVersion + 1; v <= (newVersion ?? DB_VERSION); v++) UPGRADES[v]?.(db);
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
