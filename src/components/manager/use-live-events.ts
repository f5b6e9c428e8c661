"use client";

import { useEffect, useRef, useState } from "react";
import { LIVE_EVENT_TYPES, type LiveEventJson } from "@/contracts/live-events";

export type LiveStatus = "connecting" | "live" | "reconnecting";

/**
 * Subscribes to GET /api/v1/events. The first connect resumes after `lastEventId` (the outbox position the page
 * was rendered at) through ?last_event_id=; EventSource's own reconnects send Last-Event-ID. `onEvent` always sees
 * the latest closure.
 */
export function useLiveEvents(lastEventId: number, onEvent: (e: LiveEventJson) => void): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  });
  useEffect(() => {
    const source = new EventSource(`/api/v1/events?last_event_id=${lastEventId}`);
    const listener = (m: MessageEvent<string>) => handler.current(JSON.parse(m.data) as LiveEventJson);
    for (const t of LIVE_EVENT_TYPES) source.addEventListener(t, listener as EventListener);
    source.onopen = () => setStatus("live");
    source.onerror = () => setStatus("reconnecting");
    return () => source.close();
  }, [lastEventId]);
  return status;
}
