import "server-only";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { idempotent } from "../idempotency";
import { localDate } from "@/lib/time";
import { decodeStoredBody, orgTimeZone, requireAcceptableCaptureTime } from "../visits/plausibility";
import { ensureOpenSession } from "./ensure-open-session";
import { loadSessionById } from "./sessions.queries";
import type { SessionResponse, StartSessionInput } from "@/contracts/sessions";

/**
 * "Start day": opens (or reopens) the actor's session for the local date of the start, in the org's time zone.
 * Starting an already open day answers it unchanged (`created: false`). The start position, when sent,
 * goes into the `session.started` event only: breadcrumbs belong to tracking pings.
 */
export async function startSession(ctx: Ctx, input: StartSessionInput): Promise<{ body: SessionResponse; created: boolean }> {
  requirePermission(ctx.actor, "sessions.write");
  const { result, replayed } = await idempotent(ctx, { scope: "sessions.start", clientId: input.client_id, request: input }, async (tx) => {
    const at = input.captured_at ? requireAcceptableCaptureTime(input.captured_at, ctx.now) : ctx.now;
    const date = localDate(at, await orgTimeZone(tx));
    const position = input.lat !== undefined && input.lon !== undefined ? { lat: input.lat, lon: input.lon } : null;
    const { id, opened } = await ensureOpenSession(tx, { personnelId: ctx.actor.id, date, at, clientId: input.client_id, reopenIfClosed: true, how: { via: "start", position } });
    const session = await loadSessionById(tx, id);
    return JSON.stringify({ session, opened });
  });
  const { session, opened } = decodeStoredBody<SessionResponse & { opened: boolean }>(result);
  return { body: { session }, created: opened && !replayed };
}
