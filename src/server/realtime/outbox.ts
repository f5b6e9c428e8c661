import "server-only";
import type { Db } from "../db/client";
import { events } from "../db/schema";

export type OutboxEvent = {
  /** Dotted name: visit.checked_in, visit.checked_out, session.started, session.ended, tracking.pings, … */
  type: string;
  personnelId?: number | null;
  visitId?: number | null;
  locationId?: number | null;
  payload?: Record<string, unknown>;
};

/**
 * Writes an outbox row. Call it with the transaction that makes the change, so the event exists
 * exactly when the change does; the realtime layer NOTIFYs and streams it after commit.
 */
export async function emitEvent(tx: Db, event: OutboxEvent): Promise<number> {
  const [row] = await tx
    .insert(events)
    .values({ type: event.type, personnelId: event.personnelId ?? null, visitId: event.visitId ?? null, locationId: event.locationId ?? null, payload: event.payload ?? {} })
    .returning({ id: events.id });
  return row!.id;
}
