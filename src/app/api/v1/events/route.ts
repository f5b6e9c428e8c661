import { getDbHandle } from "@/server/db";
import { authenticate } from "@/server/auth/authenticate";
import { can } from "@/server/auth/permissions";
import { AppError } from "@/server/errors";
import { apiRoute } from "@/server/http/api";
import { openEventStream } from "@/server/realtime/event-stream";

// A long-lived stream: never prerendered or cached, always on Node (the hub holds a database listener).
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Last-Event-ID header (EventSource reconnects) or ?last_event_id= (first connect, which cannot set headers). */
function lastEventId(req: Request): number | null {
  const raw = req.headers.get("last-event-id") ?? new URL(req.url).searchParams.get("last_event_id");
  if (raw === null || raw === "") return null;
  if (!/^\d{1,18}$/.test(raw)) throw new AppError("VALIDATION_FAILED", "last_event_id must be a non-negative integer.", { field: "last_event_id" });
  return Number(raw);
}

/**
 * GET /api/v1/events: the viewer's live events as Server-Sent Events. Authenticated and authorized (events.read)
 * before the stream opens, so a refusal is an ordinary JSON 401/403; then scoped per event.
 */
export const GET = apiRoute("events.read", async ({ req, ctx }) => {
  const after = lastEventId(req);
  const handle = await getDbHandle();
  // The same credential checked again whenever the viewer's row or API key changes: a deactivation, password reset,
  // key revocation or role change closes the stream (EventSource's reconnect then gets the 401/403).
  const reauthorize = async () => {
    const actor = await authenticate(req, handle.db, new Date()).catch(() => null);
    return actor && can(actor, "events.read") ? actor : null;
  };
  const body = await openEventStream(ctx, handle, { lastEventId: after, signal: req.signal, reauthorize });
  return new Response(body, {
    status: 200,
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      // no-transform keeps compression (which buffers) off the stream; proxies must not buffer either.
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
      Connection: "keep-alive",
    },
  });
});
