import type { ApiOperation } from "../http/openapi-types";
import { eventsQuerySchema, liveEventSchema } from "@/contracts/live-events";

/** The live event stream, for the generated OpenAPI document. */
export const realtimeOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/events",
    summary: "Live events of the caller's scope as Server-Sent Events (text/event-stream)",
    description:
      "Checked before the stream opens (JSON 401/403 otherwise). Each frame: `id:` (the outbox id), `event:` (the type: visit.checked_in, " +
      "visit.checked_out, visit.validated, tracking.pings = location update, session.started, session.ended, alert.raised, alert.acknowledged, " +
      "personnel.changed, plan.changed) and `data:` (the event as JSON). Only events about people in the caller's scope (a manager's reporting subtree, an " +
      "admin everyone; a rep only `plan.changed` events of their own plan, so their open app shows a manager's change live). Resume: send `Last-Event-ID` (EventSource does it on reconnect) or `?last_event_id=` to receive every event after that one " +
      "still kept in the outbox (retention in organisation settings), in delivery order, then live ones: each once, none skipped (events are " +
      "delivered once every older writing transaction has finished). `event: stream.reset` (its `id:` is the position to resume from) replaces a " +
      "backlog over 5,000 events or a pruned resume point: reload your view. The stream closes when its credential stops holding or changes " +
      "(deactivation, password reset, key revocation, role change) and after about 15 minutes; reconnect with Last-Event-ID. A `: heartbeat` " +
      "comment every 25 s keeps proxies from closing an idle stream. Fan-out across app instances uses PostgreSQL LISTEN/NOTIFY.",
    tag: "realtime",
    permission: "events.read",
    query: eventsQuerySchema,
    responses: {
      200: { description: "The event stream (one JSON event per frame's data)", schema: liveEventSchema, contentType: "text/event-stream" },
      400: { description: "VALIDATION_FAILED (bad last_event_id)" },
      401: { description: "No valid credential" },
      403: { description: "The credential lacks events.read" },
    },
  },
];
