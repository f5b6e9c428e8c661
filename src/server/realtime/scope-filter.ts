import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { visiblePersonnelIds } from "../auth/scope";
import { queryRows } from "../db/client";
import type { LiveEvent } from "./live-event";

const RECHECK_UNKNOWN_MS = 5_000;

/**
 * What a rep's own app hears on the stream: only changes to their own plan (issue #19). Their pings, visits and
 * sessions come from the phone itself; the team's events are a manager's.
 */
export const REP_STREAM_TYPES: readonly string[] = ["plan.changed"];

/**
 * Which events a stream's viewer may receive: those about people in their scope (a manager's reporting
 * subtree, an admin everyone). The subtree's ids are cached per stream and re-read when someone's record
 * changes (personnel.changed), or — at most every few seconds — when an event names a person not in the cache
 * (a rep created a moment ago). Events about no one in particular go to admins only. A rep's scope is themself,
 * and of their own events only REP_STREAM_TYPES.
 */
export class ScopeFilter {
  private ids = new Set<number>();
  private loadedAt = 0;

  constructor(private readonly ctx: Ctx) {}

  get all(): boolean {
    return this.ctx.actor.role === "admin";
  }

  async refresh(): Promise<void> {
    if (this.all) return;
    if (this.repOnly) {
      this.ids = new Set([this.ctx.actor.id]);
      this.loadedAt = Date.now();
      return;
    }
    const rows = await queryRows<{ id: number }>(this.ctx.db, sql`SELECT id FROM (${visiblePersonnelIds(this.ctx.actor)}) v`);
    this.ids = new Set(rows.map((r) => Number(r.id)));
    this.loadedAt = Date.now();
  }

  private get repOnly(): boolean {
    return this.ctx.actor.role === "rep";
  }

  /** SQL condition on the `events` table for replays (same rule as allows()). */
  condition() {
    if (this.all) return sql`TRUE`;
    const who = sql`personnel_id IN (${visiblePersonnelIds(this.ctx.actor)})`;
    return this.repOnly ? sql`${who} AND type IN (${sql.join(REP_STREAM_TYPES.map((t) => sql`${t}`), sql`, `)})` : who;
  }

  async allows(event: LiveEvent): Promise<boolean> {
    if (this.all) return true;
    if (this.repOnly) return event.personnel_id === this.ctx.actor.id && REP_STREAM_TYPES.includes(event.type);
    if (event.type === "personnel.changed") await this.refresh();
    const who = event.personnel_id;
    if (who == null) return false;
    if (this.ids.has(who)) return true;
    if (Date.now() - this.loadedAt > RECHECK_UNKNOWN_MS) {
      await this.refresh();
      return this.ids.has(who);
    }
    return false;
  }
}
