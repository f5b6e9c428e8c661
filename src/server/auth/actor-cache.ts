import "server-only";
import type { DbHandle } from "../db/client";
import type { PersonnelRole } from "../db/schema";
import { NotifyListener } from "../db/notify-listener";

/**
 * The person behind an API credential, cached between requests in one app instance on a PostgreSQL server
 * (docs/decisions/0013-hot-path.md). "Deactivation or a password reset cuts access at the next request, on every
 * instance" holds for any writer, even a manual UPDATE:
 *
 * - A trigger on `personnel` (migration 0010) NOTIFYs `fieldbeat_personnel` with the row's id when any update or
 *   delete commits; this instance LISTENs on a dedicated connection and drops that entry.
 * - A cached entry is served only after a **barrier**: a round trip on that same connection that started after the
 *   request arrived. PostgreSQL sends an idle listener every notification committed before it answers the next
 *   query, so once the barrier returns, every change committed before the request has been applied here. Requests
 *   arriving together share one barrier (one `SELECT 1` per batch instead of a row read per request).
 * - A read that started before an invalidation is not stored (generation counter); a (re)connect of the listener
 *   empties the cache (what changed while it was down is unknown); any failure means "not usable", and the caller
 *   reads the database as before.
 * Entries also expire after TTL_MS, and at most MAX_ENTRIES are kept. The embedded database has no cache: its
 * reads are in-process and cheap.
 */
export const PERSONNEL_CHANNEL = "fieldbeat_personnel";
const TTL_MS = 10 * 60_000;
const MAX_ENTRIES = 50_000;

export type CachedPerson = { id: number; role: PersonnelRole; name: string; email: string; tokensValidAfter: Date | null; mfaEnabledAt: Date | null };

export class ActorCache {
  private readonly entries = new Map<number, { person: CachedPerson; at: number }>();
  private generation = 0;
  private readonly listener: NotifyListener;

  constructor(url: string) {
    this.listener = new NotifyListener(url, PERSONNEL_CHANNEL, "fieldbeat-actor-cache", (payload) => {
      const id = payload === null ? NaN : Number(payload);
      this.invalidate(Number.isInteger(id) ? id : null);
    });
  }

  /** The entry, if there is one and every change committed before this call has been heard. */
  async get(id: number, now = Date.now()): Promise<CachedPerson | undefined> {
    const e = this.entries.get(id);
    if (!e) return undefined;
    if (now - e.at > TTL_MS) {
      this.entries.delete(id);
      return undefined;
    }
    if (!(await this.listener.barrier())) return undefined;
    // The barrier may have delivered an invalidation of this very entry.
    return this.entries.get(id) === e ? e.person : undefined;
  }

  /** The generation to pass to `set` after reading the row: a change heard in between voids the store. */
  begin(): number {
    this.listener.start(); // start listening before the first entry is stored
    return this.generation;
  }

  set(person: CachedPerson, generation: number, now = Date.now()): void {
    if (generation !== this.generation || !this.listener.active) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(person.id, { person, at: now });
  }

  close(): Promise<void> {
    return this.listener.close();
  }

  private invalidate(id: number | null): void {
    this.generation++;
    if (id === null) this.entries.clear();
    else this.entries.delete(id);
  }
}

const caches = new WeakMap<DbHandle, ActorCache | null>();

/** The actor cache of a database handle: PostgreSQL server only (null on the embedded database). */
export function actorCacheFor(handle: DbHandle): ActorCache | null {
  let c = caches.get(handle);
  if (c === undefined) {
    c = handle.client.kind === "postgres" ? new ActorCache(handle.client.url) : null;
    caches.set(handle, c);
  }
  return c;
}
