import "server-only";
import { openedDbHandle } from "../db";
import type { Db, DbHandle } from "../db/client";
import { NotifyListener } from "../db/notify-listener";
import { readOrgSettings } from "./read-org-settings";
import type { OrgSettings } from "@/contracts/settings";

export const SETTINGS_CHANNEL = "fieldbeat_settings";

/**
 * The organisation settings of one app instance on a PostgreSQL server. A trigger on `org_settings` (migration
 * 0013) NOTIFYs `fieldbeat_settings` at the commit of any change, whoever made it; the cached object is served
 * only after a barrier on the listening connection (notify-listener.ts), so a change committed before a request
 * arrived is seen by that request on every instance, without a restart. A read that raced an invalidation is
 * not stored (generation counter).
 */
export class SettingsCache {
  private value: OrgSettings | null = null;
  private generation = 0;
  private readonly listener: NotifyListener;

  constructor(url: string) {
    this.listener = new NotifyListener(url, SETTINGS_CHANNEL, "fieldbeat-settings-cache", () => {
      this.generation++;
      this.value = null;
    });
  }

  async get(read: () => Promise<OrgSettings>): Promise<OrgSettings> {
    const v = this.value;
    if (v && (await this.listener.barrier()) && this.value === v) return v;
    this.listener.start();
    const generation = this.generation;
    const fresh = await read();
    if (generation === this.generation && this.listener.active) this.value = fresh;
    return fresh;
  }

  close(): Promise<void> {
    return this.listener.close();
  }
}

const caches = new WeakMap<DbHandle, SettingsCache | null>();

/** The settings cache of a database handle: PostgreSQL server only (the embedded database reads in-process). */
export function settingsCacheFor(handle: DbHandle): SettingsCache | null {
  let c = caches.get(handle);
  if (c === undefined) {
    c = handle.client.kind === "postgres" ? new SettingsCache(handle.client.url) : null;
    caches.set(handle, c);
  }
  return c;
}

async function cacheFor(db: Db): Promise<SettingsCache | null> {
  try {
    // Only the process's own database has the cache; a Db handed in before that one is open (a bench, a script, a
    // test's own database) is read directly, and asking must not open the embedded database as a side effect.
    const opened = openedDbHandle();
    if (!opened) return null;
    const handle = await opened;
    return handle.db === db ? settingsCacheFor(handle) : null;
  } catch {
    return null;
  }
}

/**
 * The one reader of organisation settings for every use-case: the typed object, cached per process when `db` is
 * the process database (a transaction reads its own view: it may hold an uncommitted change).
 */
export async function getOrgSettings(db: Db): Promise<OrgSettings> {
  const cache = await cacheFor(db);
  return cache ? cache.get(() => readOrgSettings(db)) : readOrgSettings(db);
}
