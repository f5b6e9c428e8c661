"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { TodayPlanResponse } from "@/contracts/plans";
import type { OpenVisitJson, TodaySessionResponse } from "@/contracts/sessions";
import { createApiClient } from "@/lib/api/client";
import { repApi } from "@/lib/api/endpoints";
import { consentKey, getCached, getMeta, lastSyncKey, openOfflineDb, requestPersistentStorage, setCached, setMeta, SIGNED_IN, type OfflineDb } from "@/lib/offline/db";
import { claimUnownedItems, discardItem, enqueue, listItems, retryItem } from "@/lib/offline/queue";
import type { QueueItem, QueuedAction } from "@/lib/offline/queue-types";
import type { DrainReport } from "@/lib/offline/replay";
import { SYNC_TAG } from "@/lib/pwa/sw-protocol";
import { useConnectivity } from "./use-connectivity";

/** Reads that are nobody's own (nearby customers). The signed-in person's plan, day and queue use `mine` (useRepStore). */
export const api = repApi(createApiClient());
export const CONSENT_VERSION = 1;

export type RepStore = ReturnType<typeof useRepStore>;
export type Consent = { version: number; at: string };

/** Asks the service worker for a Background Sync (Chromium) so the queue drains even if the app is closed. */
async function requestBackgroundSync() {
  try {
    const reg = (await navigator.serviceWorker?.ready) as (ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }) | undefined;
    await reg?.sync?.register(SYNC_TAG);
  } catch {
    // Not supported (Firefox, Safari) or not allowed: start, online and visibilitychange still flush the queue.
  }
}

/**
 * The rep app's state: IndexedDB (queue, cached plan, consent) is the truth on the phone; the server's plan and
 * session refresh it when online. Every action is enqueued first, then the queue is replayed. `me` is the signed-in
 * person: their items are the day; other accounts' unsent items on this phone are listed apart and never sent.
 */
export function useRepStore(me: number) {
  // Every request of this person's store names them: another account's cookie (a sign-in in another tab, a replay
  // that outlived a sign-out) gets 401 ACCOUNT_MISMATCH instead of their plan cached here or their work sent as them.
  const mine = useMemo(() => repApi(createApiClient({ account: me })), [me]);
  const [db, setDb] = useState<OfflineDb | null>(null);
  const [all, setAll] = useState<QueueItem[]>([]);
  const [plan, setPlan] = useState<{ value: TodayPlanResponse; saved_at: string } | null>(null);
  const [session, setSession] = useState<TodaySessionResponse | null>(null);
  /** When the session in `session` was asked for (ms): queue items done before it are reflected in it. */
  const [sessionAt, setSessionAt] = useState(0);
  const [consent, setConsent] = useState<Consent | null | undefined>(undefined);
  const [lastSync, setLastSync] = useState<string | null>(null);
  const [lastReport, setLastReport] = useState<DrainReport | null>(null);
  const draining = useRef(false);
  const syncRef = useRef<(ignoreBackoff?: boolean, fromBack?: boolean) => Promise<void>>(async () => undefined);
  // Back online (the browser's event or the server answering a probe): the queue flushes at once, past its backoff.
  // If that replay is refused by the network again (the server answers its health probe but not the API), the next
  // "back" keeps the backoff until a replay gets through: otherwise probe → forced send → failure → offline → probe
  // would loop, each turn doubling the items' backoff (minutes after a few seconds).
  const backFailed = useRef(false);
  const { online, wentOffline } = useConnectivity(() => void syncRef.current(!backFailed.current, true));
  const again = useRef<false | "normal" | "force">(false);

  const reload = useCallback(async (d: OfflineDb) => {
    setAll(await listItems(d));
    setLastSync((await getMeta<string>(d, lastSyncKey(me))) ?? null);
  }, [me]);

  const refreshServer = useCallback(async (d: OfflineDb) => {
    try {
      const asked = Date.now();
      const [p, s] = await Promise.all([mine.planToday(), mine.sessionToday()]);
      await setCached(d, `plan_today:${me}`, p);
      // The open day and open visit as the server knows them: a new or cleared phone rebuilds from this.
      await setCached(d, `session_today:${me}`, s);
      setPlan({ value: p, saved_at: new Date().toISOString() });
      setSession(s);
      setSessionAt(asked);
    } catch {
      // Offline or signed out: the cached plan stays on screen with its age.
    }
  }, [me, mine]);

  const sync = useCallback(
    async (ignoreBackoff = false, fromBack = false) => {
      if (!db) return;
      // A replay already running picks up new items when it is asked again: one more pass after it.
      if (draining.current) {
        again.current = again.current || (ignoreBackoff ? "force" : "normal");
        return;
      }
      draining.current = true;
      try {
        // The replay code loads with the first sync, not with the page (first-load budget; the worker precaches it).
        const { drainExclusive } = await import("@/lib/offline/replay");
        let force = ignoreBackoff;
        for (;;) {
          const report = await drainExclusive({ db, api: mine, owner: me, ignoreBackoff: force });
          setLastReport(report);
          // The network refused a send: offline whatever navigator.onLine says; the probe notices its return.
          if (report.stoppedBy === "network") {
            if (fromBack && force) backFailed.current = true;
            wentOffline();
          } else if (report.sent > 0 || report.stoppedBy === null) backFailed.current = false;
          await reload(db);
          if (report.sent > 0) await refreshServer(db);
          if (!again.current) break;
          force = again.current === "force";
          again.current = false;
        }
      } finally {
        draining.current = false;
      }
    },
    [db, me, mine, reload, refreshServer, wentOffline],
  );
  useEffect(() => {
    syncRef.current = sync;
  });

  useEffect(() => {
    let alive = true;
    void (async () => {
      const d = await openOfflineDb();
      if (!alive) return;
      // The service worker's Background Sync replays this person's items only.
      await setMeta(d, SIGNED_IN, me);
      setDb(d);
      setConsent((await getMeta<Consent>(d, consentKey(me))) ?? null);
      const cached = await getCached<TodayPlanResponse>(d, `plan_today:${me}`);
      if (cached) setPlan(cached);
      const cachedSession = await getCached<TodaySessionResponse>(d, `session_today:${me}`);
      if (cachedSession) {
        setSession(cachedSession.value);
        setSessionAt(Date.parse(cachedSession.saved_at) || 0);
      }
      await reload(d);
      await refreshServer(d);
    })();
    return () => {
      alive = false;
    };
  }, [me, reload, refreshServer]);

  // Replay on start, when the connection comes back, when the app is shown again, and on a timer for backoffs. The
  // start (the person signed in or opened the app: they are here now) tries at once, past backoffs earned earlier
  // under another network or while they were signed out.
  useEffect(() => {
    if (!db) return;
    void sync(true);
    // Coming back online is handled by useConnectivity (its event and its probe).
    const onVisible = () => document.visibilityState === "visible" && void sync();
    document.addEventListener("visibilitychange", onVisible);
    const timer = window.setInterval(() => void sync(), 15_000);
    return () => {
      document.removeEventListener("visibilitychange", onVisible);
      window.clearInterval(timer);
    };
  }, [db, sync]);

  const act = useCallback(
    async (action: QueuedAction, blob?: Blob) => {
      if (!db) throw new Error("storage not ready");
      const item = await enqueue(db, me, action, new Date(), blob);
      await reload(db);
      void requestBackgroundSync();
      await sync(true);
      return item;
    },
    [db, me, reload, sync],
  );

  const acceptConsent = useCallback(async () => {
    if (!db) return;
    const c = { version: CONSENT_VERSION, at: new Date().toISOString() };
    await setMeta(db, consentKey(me), c);
    setConsent(c);
    await requestPersistentStorage(db); // the queue must survive storage pressure; asked at this user gesture
  }, [db, me]);

  // A change to this person's plan (a manager's edit, the beats job) reaches the open app live: the events stream
  // carries a rep only plan.changed of their own plan (server/realtime/scope-filter.ts). Offline, the cached plan stays.
  useEffect(() => {
    if (!db || !online || typeof EventSource === "undefined") return;
    const source = new EventSource("/api/v1/events");
    const refresh = () => void refreshServer(db);
    source.addEventListener("plan.changed", refresh);
    source.addEventListener("stream.reset", refresh); // STREAM_RESET_EVENT (contracts/live-events.ts: zod, not in this bundle)
    // (Re)connected: whatever changed while the stream was down is read once.
    source.onopen = refresh;
    return () => source.close();
  }, [db, online, refreshServer]);

  /** The rep's own new order of today's pending stops, queued (offline too) and shown at once. */
  const reorderPlan = useCallback(
    async (locationIds: number[]) => {
      const p = plan?.value;
      if (!p) return;
      const timeOf = new Map(p.stops.map((s) => [s.location.id, s.planned_time]));
      await act({ kind: "plan.put", personnel_id: me, date: p.date, body: { client_id: crypto.randomUUID(), stops: locationIds.map((id) => ({ location_id: id, planned_time: timeOf.get(id) ?? null })) } });
    },
    [act, me, plan],
  );

  const retry = useCallback(async (seq: number) => db && (await retryItem(db, seq), await sync(true)), [db, sync]);
  const discard = useCallback(async (seq: number) => db && (await discardItem(db, seq, me), await reload(db)), [db, me, reload]);
  const claimUnowned = useCallback(async () => db && (await claimUnownedItems(db, me), await reload(db), await sync(true)), [db, me, reload, sync]);

  const items = useMemo(() => all.filter((i) => i.owner === me), [all, me]);
  /** Other accounts' (or unknown owners') items not yet sent: kept, shown apart, never sent with this session. */
  const others = useMemo(() => all.filter((i) => i.owner !== me && i.status !== "done"), [all, me]);
  const day = useMemo(() => dayState(items, session, plan?.value.date ?? null, sessionAt), [items, session, plan, sessionAt]);
  // The plan as this phone knows it: the server's, in the order of a reorder still waiting in the queue.
  const shown = useMemo(() => (plan ? { ...plan, value: withQueuedOrder(plan.value, items) } : null), [plan, items]);
  return { db, me, items, others, plan: shown, reorderPlan, session, consent, lastSync, online, lastReport, day, act, sync, retry, discard, claimUnowned, acceptConsent };
}

/** The plan with the last unsent (or just sent, not yet re-read) reorder of its day applied to its pending stops. */
export function withQueuedOrder(plan: TodayPlanResponse, items: QueueItem[]): TodayPlanResponse {
  const put = items.filter((i) => i.kind === "plan.put" && i.date === plan.date && i.status === "pending").at(-1);
  if (!put || put.kind !== "plan.put") return plan;
  const rank = new Map(put.body.stops.map((s, k) => [s.location_id, k]));
  const pending = plan.stops.filter((s) => s.status === "PENDING");
  if (pending.length !== rank.size || pending.some((s) => !rank.has(s.location.id))) return plan; // the plan changed meanwhile: the server decides
  const done = plan.stops.filter((s) => s.status !== "PENDING");
  const ordered = [...pending].sort((a, b) => rank.get(a.location.id)! - rank.get(b.location.id)!);
  return { ...plan, stops: [...done, ...ordered].map((s, k) => ({ ...s, sequence: k + 1 })) };
}

export type DayState = {
  started: boolean;
  ended: boolean;
  /** ms of the last Start day on this phone (0: unknown) */
  startedAt: number;
  /** When the day ended (ISO), from this phone's End day or the server's session. */
  endedAt: string | null;
  openVisit: QueueItem | null;
  checkIns: QueueItem[];
  checkOuts: QueueItem[];
  /** Check-ins (client_id) this phone sent that the server has closed without it: by a manager or the end-of-day job. */
  closedElsewhere: Set<string>;
};

/** The day as this phone knows it: the server's session plus whatever is still queued. Failed items do not count. */
export function dayState(items: QueueItem[], server: TodaySessionResponse | null, date: string | null, serverAt = 0): DayState {
  const live = items.filter((i) => i.status !== "failed" && (!date || i.created_at.slice(0, 10) >= addDaysIso(date, -1)));
  const lastStart = live.filter((i) => i.kind === "session.start").at(-1);
  const lastEnd = live.filter((i) => i.kind === "session.end").at(-1);
  const checkIns: QueueItem[] = live.filter((i) => i.kind === "visit.check_in");
  const checkOuts = live.filter((i) => i.kind === "visit.check_out");
  const closed = new Set(checkOuts.map((i) => (i.kind === "visit.check_out" ? i.check_in_client_id : "")));
  const closedElsewhere = new Set<string>();
  const serverOpen = server?.open_visit;
  if (server && serverOpen !== undefined) {
    // Sent and acknowledged before the server was asked, yet not open there: a manager or the end-of-day job closed it.
    for (const c of checkIns) {
      if (c.status === "done" && !closed.has(c.client_id) && c.client_id !== serverOpen?.client_id && Date.parse(c.done_at ?? "") < serverAt) {
        closed.add(c.client_id);
        closedElsewhere.add(c.client_id);
      }
    }
    // Open on the server but unknown here (opened on another phone, or this phone's data was cleared): the phone adopts it.
    const key = serverOpen ? serverVisitKey(serverOpen) : null;
    if (serverOpen && key && !checkIns.some((c) => c.client_id === key)) checkIns.push(serverCheckIn(serverOpen, key));
  }
  // An adopted visit this phone checked out: no longer open on the server, it stays the check-in its check-out names.
  for (const o of checkOuts) {
    const v = o.kind === "visit.check_out" ? o.server_visit : undefined;
    // First in the list: it is closed, and a later check-in at the same customer is the one its screen shows.
    if (v && !checkIns.some((c) => c.client_id === o.check_in_client_id)) checkIns.unshift(serverCheckIn(v, o.check_in_client_id));
  }
  const openVisit = checkIns.filter((i) => !closed.has(i.client_id)).at(-1) ?? null;
  const localStarted = !!lastStart || checkIns.length > 0;
  const localEnded = !!lastEnd && (!lastStart || (lastEnd.seq ?? 0) > (lastStart.seq ?? 0));
  const serverStatus = server?.session?.status;
  const started = localStarted || serverStatus === "OPEN" || serverStatus === "CLOSED";
  const ended = lastEnd || lastStart ? localEnded : serverStatus === "CLOSED";
  const startBody = lastStart?.kind === "session.start" ? lastStart.body : null;
  const startedAt = startBody?.captured_at ? Date.parse(startBody.captured_at) : Date.parse(server?.session?.login_time ?? "") || 0;
  const endBody = lastEnd?.kind === "session.end" ? lastEnd.body : null;
  const endedAt = ended ? (endBody?.captured_at ?? lastEnd?.created_at ?? server?.session?.logout_time ?? null) : null;
  return { started, ended, startedAt, endedAt, openVisit, checkIns, checkOuts, closedElsewhere };
}

/** The id an adopted server visit goes by on this phone: its check-in's client_id, or one made from its visit id. */
export const serverVisitKey = (v: OpenVisitJson): string => v.client_id ?? `server-visit-${v.id}`;

/** The server's open visit as a check-in this phone already sent (never stored, never sent again): check-out names its visit id. */
function serverCheckIn(v: OpenVisitJson, key: string): QueueItem {
  return {
    kind: "visit.check_in",
    body: { client_id: key, location_id: v.location.id, lat: v.location.lat, lon: v.location.lon, accuracy_m: 0, captured_at: v.check_in_time },
    location_name: v.location.name,
    place: v.location,
    owner: null,
    client_id: key,
    status: "done",
    created_at: v.check_in_time,
    attempts: 0,
    next_attempt_at: null,
    last_attempt_at: null,
    done_at: v.check_in_time,
    error: null,
    result: { visit: { id: v.id } },
  };
}

function addDaysIso(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
