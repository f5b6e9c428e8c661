"use client";

import { useEffect, useRef, useState } from "react";
import { LIVE_EVENT_TYPES, STREAM_RESET_EVENT, type LiveEventJson } from "@/contracts/live-events";

export type LiveStatus = "connecting" | "live" | "reconnecting" | "closed" | "off";

/**
 * Subscribes to GET /api/v1/events. The first connect resumes after `lastEventId` (the outbox position the page
 * was rendered at) through ?last_event_id=; EventSource's own reconnects (after a network drop, or the server
 * closing a stream at its maximum lifetime) send Last-Event-ID. `onEvent` always sees the latest closure.
 * `stream.reset` means the server skipped events it could not replay: the page reloads to show the current state.
 * A stream refused on reconnect (signed out, deactivated, role changed) ends as "closed".
 */
export function useLiveEvents(lastEventId: number | null, onEvent: (e: LiveEventJson) => void, onReset: () => void = () => window.location.reload()): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>(lastEventId === null ? "off" : "connecting");
  const handler = useRef({ onEvent, onReset });
  useEffect(() => {
    handler.current = { onEvent, onReset };
  });
  useEffect(() => {
    // null: a view that is not live (a past day): no stream at all.
    if (lastEventId === null) return;
    const source = new EventSource(`/api/v1/events?last_event_id=${lastEventId}`);
    const listener = (m: MessageEvent<string>) => handler.current.onEvent(JSON.parse(m.data) as LiveEventJson);
    for (const t of LIVE_EVENT_TYPES) source.addEventListener(t, listener as EventListener);
    source.addEventListener(STREAM_RESET_EVENT, () => {
      source.close();
      handler.current.onReset();
    });
    source.onopen = () => setStatus("live");
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
    return () => source.close();
  }, [lastEventId]);
  return status;
}
