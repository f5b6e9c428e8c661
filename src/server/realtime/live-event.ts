/** One committed outbox row as the hubs and SSE streams carry it. */
export type LiveEvent = {
  id: number;
  type: string;
  personnel_id: number | null;
  visit_id: number | null;
  location_id: number | null;
  payload: Record<string, unknown>;
  created_at: string;
};

/** The channel the `events_wake` trigger NOTIFYs on (empty payload; none while a hub holds the poll lease, migration 0020) and hubs take or extend a lease on (`poll`). */
export const EVENTS_CHANNEL = "fieldbeat_events";


export function toLiveEvent(row: Record<string, unknown>): LiveEvent {
  const created = row.created_at;
  return {
    id: Number(row.id),
    type: String(row.type),
    personnel_id: row.personnel_id == null ? null : Number(row.personnel_id),
    visit_id: row.visit_id == null ? null : Number(row.visit_id),
    location_id: row.location_id == null ? null : Number(row.location_id),
    payload: (typeof row.payload === "string" ? JSON.parse(row.payload) : (row.payload ?? {})) as Record<string, unknown>,
    created_at: created instanceof Date ? created.toISOString() : new Date(String(created)).toISOString(),
  };
}
