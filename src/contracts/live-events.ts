import { z } from "zod";

/** One live event (an outbox row) as GET /api/v1/events sends it in each SSE frame's `data:` (the frame's `id:` is the same id). */
export const liveEventSchema = z.object({
  id: z.number().int().describe("Outbox id: send it back as Last-Event-ID (or ?last_event_id=) to resume"),
  type: z
    .string()
    .describe("visit.checked_in, visit.checked_out, visit.validated, tracking.pings (location update), session.started, session.ended, alert.raised, alert.acknowledged, personnel.changed"),
  personnel_id: z.number().int().nullable(),
  visit_id: z.number().int().nullable(),
  location_id: z.number().int().nullable(),
  payload: z.record(z.string(), z.unknown()),
  created_at: z.string(),
});
export type LiveEventJson = z.infer<typeof liveEventSchema>;

export const eventsQuerySchema = z.strictObject({
  last_event_id: z.string().regex(/^\d{1,18}$/).optional().describe("Resume after this outbox id (first connect; reconnects send the Last-Event-ID header)"),
});

/** SSE event names a dashboard listens to. */
export const LIVE_EVENT_TYPES = [
  "visit.checked_in",
  "visit.checked_out",
  "visit.validated",
  "tracking.pings",
  "session.started",
  "session.ended",
  "alert.raised",
  "alert.acknowledged",
  "personnel.changed",
] as const;

/**
 * Sent instead of events the server could not replay (the client was too far behind, or its resume point was
 * pruned): the view is stale, reload it. The frame's id is the position to resume from afterwards.
 */
export const STREAM_RESET_EVENT = "stream.reset";
