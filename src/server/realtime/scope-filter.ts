import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { visiblePersonnelIds } from "../auth/scope";
import { queryRows } from "../db/client";
import type { LiveEvent } from "./live-event";

const RECHECK_UNKNOWN_MS = 5_000;

/**
 * Which events a stream's viewer may receive: those about people in their scope (a manager's reporting
 * subtree, an admin everyone). The subtree's ids are cached per stream and re-read when someone's record
 * changes (personnel.changed), or — at most every few seconds — when an event names a person not in the cache
 * (a rep created a moment ago). Events about no one in particular go to admins only.
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
    const rows = await queryRows<{ id: number }>(this.ctx.db, sql`SELECT id FROM (${visiblePersonnelIds(this.ctx.actor)}) v`);
    this.ids = new Set(rows.map((r) => Number(r.id)));
    this.loadedAt = Date.now();
  }

  /** SQL condition on the `events` table for replays (same rule as allows()). */
  condition() {
    return this.all ? sql`TRUE` : sql`personnel_id IN (${visiblePersonnelIds(this.ctx.actor)})`;
  }

  async allows(event: LiveEvent): Promise<boolean> {
    if (this.all) return true;
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
