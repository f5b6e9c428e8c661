import "fake-indexeddb/auto";
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { SELFIE_FILE_FIELD, SELFIE_META_FIELD } from "../../src/contracts/photos";
import { ApiError, NetworkError } from "../../src/lib/api/client";
import { SELFIE_FIELDS, type RepApi } from "../../src/lib/api/endpoints";
import { openDB } from "idb";
import { consentKey, DB_VERSION, getMeta, openOfflineDb, requestPersistentStorage, STORAGE_PERSISTED, STORES, type OfflineDb } from "../../src/lib/offline/db";
import { claimUnownedItems, discardItem, enqueue, listItems, pruneSent, retryItem, SENT_KEEP_MS } from "../../src/lib/offline/queue";
import { backoffMs, drainQueue } from "../../src/lib/offline/replay";

/**
 * Pure queue logic on fake-indexeddb with an in-memory stand-in for the routes (idempotent on client_id like the
 * real ones: the same id for another request, here another path, is 409 CLIENT_ID_REUSED). The real browser, IndexedDB and server are exercised by the Playwright offline-day spec.
 */
function fakeServer() {
  const seen = new Map<string, { path: string; answer: unknown }>();
  const calls: string[] = [];
  let visitSeq = 100;
  let mode: "up" | "down" | "busy" | "someone-else" = "up";
  const refuse = new Set<string>();
  const once = <T>(path: string, clientId: string, make: () => T): Promise<T> => {
    calls.push(path);
    if (mode === "down") return Promise.reject(new NetworkError(new TypeError("Failed to fetch")));
    if (mode === "busy") return Promise.reject(new ApiError(429, "RATE_LIMITED", "Too many requests", undefined, 7));
    if (mode === "someone-else") return Promise.reject(new ApiError(401, "ACCOUNT_MISMATCH", "This was recorded by another account on this device."));
    if (refuse.has(clientId)) return Promise.reject(new ApiError(404, "NOT_FOUND", "Location not found."));
    const prior = seen.get(clientId);
    if (prior && prior.path !== path) return Promise.reject(new ApiError(409, "CLIENT_ID_REUSED", "This client_id was already used for a different request.", "client_id"));
    if (!prior) seen.set(clientId, { path, answer: make() });
    return Promise.resolve(seen.get(clientId)!.answer as T);
  };
  const api = {
    startDay: (b: { client_id: string }) => once("start", b.client_id, () => ({ session: { id: 1 } })),
    endDay: (b: { client_id: string }) => once("end", b.client_id, () => ({ session: { id: 1 } })),
    checkIn: (b: { client_id: string }) => once("check-in", b.client_id, () => ({ visit: { id: ++visitSeq } })),
    checkOut: (b: { client_id: string; visit_id: number }) => once(`check-out:${b.visit_id}`, b.client_id, () => ({ visit: { id: b.visit_id } })),
    pings: (b: { pings: { client_id: string }[] }) => once(`pings:${b.pings.length}`, b.pings.map((p) => p.client_id).join(), () => ({ accepted: b.pings.length })),
    uploadSelfie: (id: number, blob: Blob, meta: { client_id: string }) => once(`selfie:${id}:${blob.size}`, meta.client_id, () => ({ ok: true })),
  } as unknown as RepApi;
  return { api, calls, seen, refuse, set: (m: typeof mode) => (mode = m) };
}

const fix = { lat: 12.97, lon: 77.59, accuracy_m: 8, captured_at: "2026-03-18T06:00:00.000Z" };
const T0 = new Date("2026-03-18T06:00:00Z");
/** The signed-in person (personnel id) who queues; OTHER is a second rep on the same phone. */
const ME = 11;
const OTHER = 12;

describe("offline queue", () => {
  let db: OfflineDb;
  beforeEach(async () => {
    db = await openOfflineDb(`test-${randomUUID()}`);
  });

  async function day(server: ReturnType<typeof fakeServer>, ME_ = ME) {
    const ME = ME_;
    const ci = randomUUID();
    await enqueue(db, ME, { kind: "session.start", body: { client_id: randomUUID() } }, T0);
    await enqueue(db, ME, { kind: "visit.check_in", body: { client_id: ci, location_id: 7, ...fix }, location_name: "Shop" }, T0);
    await enqueue(db, ME, { kind: "visit.selfie", check_in_client_id: ci, location_name: "Shop", meta: { client_id: randomUUID(), source: "camera", capture_fix: fix, device_time: fix.captured_at } }, T0, new Blob([new Uint8Array(1234)], { type: "image/jpeg" }));
    for (let i = 0; i < 3; i++) await enqueue(db, ME, { kind: "tracking.pings", body: { pings: [{ client_id: randomUUID(), ...fix }] } }, T0);
    await enqueue(db, ME, { kind: "visit.check_out", check_in_client_id: ci, location_name: "Shop", body: { client_id: randomUUID(), ...fix, outcome: "ORDER_TAKEN" } }, T0);
    return server;
  }

  it("keeps the contract's multipart field names", () => {
    expect(SELFIE_FIELDS).toEqual({ photo: SELFIE_FILE_FIELD, meta: SELFIE_META_FIELD });
  });

  it("replays in order, resolves the check-in's visit id for check-out and selfie, batches pings, and never resends", async () => {
    const server = await day(fakeServer());
    const report = await drainQueue({ db, owner: ME, api: server.api, now: () => T0 });
    expect(report).toEqual({ sent: 7, failed: 0, stoppedBy: null });
    expect(server.calls).toEqual(["start", "check-in", "selfie:101:1234", "pings:3", "check-out:101"]);
    expect((await listItems(db)).every((i) => i.status === "done")).toBe(true);
    expect(await db.count(STORES.blobs)).toBe(0); // the uploaded selfie's Blob is gone
    await drainQueue({ db, owner: ME, api: server.api, now: () => T0 });
    await drainQueue({ db, owner: ME, api: server.api, now: () => T0 });
    expect(server.calls).toHaveLength(5);
  });

  it("prunes what the server answered: sent pings at once, other sent items after a day; failed and pending items stay", async () => {
    const server = await day(fakeServer());
    const refusedCi = randomUUID();
    server.refuse.add(refusedCi);
    await enqueue(db, ME, { kind: "visit.check_in", body: { client_id: refusedCi, location_id: 8, ...fix }, location_name: "Closed shop" }, T0);
    await drainQueue({ db, owner: ME, api: server.api, now: () => T0 });
    const after = await listItems(db);
    expect(after.some((i) => i.kind === "tracking.pings")).toBe(false); // 3 sent ping items gone
    expect(after.map((i) => `${i.kind}:${i.status}`)).toEqual(["session.start:done", "visit.check_in:done", "visit.selfie:done", "visit.check_out:done", "visit.check_in:failed"]);
    // A day later the sent ones go too; the refused one stays for the person to see, retry or discard.
    const later = new Date(T0.getTime() + SENT_KEEP_MS);
    expect(await pruneSent(db, later)).toBe(4);
    expect((await listItems(db)).map((i) => `${i.kind}:${i.status}`)).toEqual(["visit.check_in:failed"]);
  });

  it("keeps a sent check-in while a check-out or selfie that needs its visit id is not sent yet", async () => {
    const server = fakeServer();
    const ci = randomUUID();
    await enqueue(db, ME, { kind: "visit.check_in", body: { client_id: ci, location_id: 7, ...fix }, location_name: "Shop" }, T0);
    await drainQueue({ db, owner: ME, api: server.api, now: () => T0 });
    await enqueue(db, ME, { kind: "visit.check_out", check_in_client_id: ci, location_name: "Shop", body: { client_id: randomUUID(), ...fix } }, T0);
    const later = new Date(T0.getTime() + 2 * SENT_KEEP_MS);
    expect(await pruneSent(db, later)).toBe(0);
    server.set("up");
    expect(await drainQueue({ db, owner: ME, api: server.api, now: () => later })).toMatchObject({ sent: 1, failed: 0 });
    expect(server.calls).toContain("check-out:101");
  });

  it("asks for persistent storage (at consent) and remembers the answer; no API, no answer", async () => {
    let asked = 0;
    const storage = { persisted: async () => false, persist: async () => (asked++, true) };
    expect(await requestPersistentStorage(db, storage)).toBe(true);
    expect(asked).toBe(1);
    expect(await getMeta(db, STORAGE_PERSISTED)).toBe(true);
    expect(await requestPersistentStorage(db, { persisted: async () => true, persist: async () => (asked++, true) })).toBe(true);
    expect(asked).toBe(1); // already persisted: not asked again
    expect(await requestPersistentStorage(db, undefined)).toBeNull();
  });

  it("a double tap enqueues one action", async () => {
    const body = { client_id: randomUUID() };
    await enqueue(db, ME, { kind: "session.start", body }, T0);
    await enqueue(db, ME, { kind: "session.start", body }, T0);
    expect(await listItems(db)).toHaveLength(1);
  });

  it("offline: backs off exponentially and keeps order; online again it drains", async () => {
    const server = await day(fakeServer());
    server.set("down");
    expect(await drainQueue({ db, owner: ME, api: server.api, now: () => T0 })).toMatchObject({ sent: 0, stoppedBy: "network" });
    const [first] = await listItems(db);
    expect(first).toMatchObject({ status: "pending", attempts: 1, next_attempt_at: new Date(T0.getTime() + 2_000).toISOString(), error: { code: "NETWORK" } });
    expect(await drainQueue({ db, owner: ME, api: server.api, now: () => new Date(T0.getTime() + 1_000) })).toMatchObject({ stoppedBy: "backoff" });
    await drainQueue({ db, owner: ME, api: server.api, now: () => new Date(T0.getTime() + 2_000) });
    expect((await listItems(db))[0]).toMatchObject({ attempts: 2, next_attempt_at: new Date(T0.getTime() + 2_000 + 4_000).toISOString() });
    expect([1, 2, 3, 10, 20].map(backoffMs)).toEqual([2_000, 4_000, 8_000, 300_000, 300_000]);
    server.set("up");
    expect(await drainQueue({ db, owner: ME, api: server.api, now: () => T0, ignoreBackoff: true })).toMatchObject({ sent: 7, stoppedBy: null });
  });

  it("429 waits for Retry-After", async () => {
    const server = await day(fakeServer());
    server.set("busy");
    expect(await drainQueue({ db, owner: ME, api: server.api, now: () => T0 })).toMatchObject({ stoppedBy: "server" });
    expect((await listItems(db))[0]!.next_attempt_at).toBe(new Date(T0.getTime() + 7_000).toISOString());
  });

  it("a refused check-in fails with the server's message, its check-out and selfie fail with it, the rest goes on; retry and discard", async () => {
    const server = fakeServer();
    await day(server);
    const items = await listItems(db);
    server.refuse.add(items[1]!.client_id);
    expect(await drainQueue({ db, owner: ME, api: server.api, now: () => T0 })).toMatchObject({ sent: 4, failed: 3, stoppedBy: null });
    const after = await listItems(db);
    // The three sent ping items were pruned after the server's answer (issue #17 item 6); the failed ones stay.
    expect(after.map((i) => `${i.kind}:${i.status}`)).toEqual(["session.start:done", "visit.check_in:failed", "visit.selfie:failed", "visit.check_out:failed"]);
    expect(after[1]!.error).toEqual({ status: 404, code: "NOT_FOUND", message: "Location not found." });
    expect(after[3]!.error!.code).toBe("CHECK_IN_NOT_SYNCED");

    await retryItem(db, after[1]!.seq!);
    expect((await listItems(db))[1]!.status).toBe("pending");
    await drainQueue({ db, owner: ME, api: server.api, now: () => T0 });
    for (const i of (await listItems(db)).filter((x) => x.status === "failed")) await discardItem(db, i.seq!, ME);
    expect((await listItems(db)).map((i) => i.kind)).toEqual(["session.start"]); // the sent pings were pruned
    expect(await db.count(STORES.blobs)).toBe(0);
  });

  it("a selfie whose client_id the server already holds for another visit (409) fails with the reason and keeps its Blob", async () => {
    const server = await day(fakeServer());
    const selfie = (await listItems(db))[2]!;
    if (selfie.kind !== "visit.selfie") throw new Error("the day's third item is its selfie");
    server.seen.set(selfie.meta.client_id, { path: "selfie:999:1234", answer: { ok: true } }); // the id's first use: another visit
    expect(await drainQueue({ db, owner: ME, api: server.api, now: () => T0 })).toMatchObject({ sent: 6, failed: 1, stoppedBy: null });
    const after = await listItems(db);
    // The sent pings were pruned after the server's answer (issue #17 item 6); the failed selfie stays.
    expect(after.map((i) => `${i.kind}:${i.status}`)).toEqual(["session.start:done", "visit.check_in:done", "visit.selfie:failed", "visit.check_out:done"]);
    expect(after[2]!.error).toEqual({ status: 409, code: "CLIENT_ID_REUSED", message: "This client_id was already used for a different request." });
    expect(await db.count(STORES.blobs)).toBe(1); // the photo stays on the phone: retry shows the reason again, discard is the rep's choice
  });

  it("survives a reopen (a reload or browser restart): items and Blobs are still there", async () => {
    const name = `test-${randomUUID()}`;
    const a = await openOfflineDb(name);
    await enqueue(a, ME, { kind: "visit.selfie", check_in_client_id: randomUUID(), location_name: "X", meta: { client_id: randomUUID(), source: "camera", capture_fix: null, device_time: fix.captured_at } }, T0, new Blob(["jpeg"]));
    a.close();
    const b = await openOfflineDb(name);
    expect(await listItems(b)).toHaveLength(1);
    expect(await b.count(STORES.blobs)).toBe(1);
    expect(b.version).toBe(DB_VERSION);
    expect(DB_VERSION).toBe(2);
    expect([...b.objectStoreNames].sort()).toEqual(["blobs", "cache", "meta", "queue"]);
  });

  it("replays only the signed-in person's items: a second rep on the phone never sends the first one's work", async () => {
    const server = fakeServer();
    await day(server, OTHER); // rep OTHER queued a day offline, then signed out
    await day(server, ME);
    expect(await drainQueue({ db, owner: ME, api: server.api, now: () => T0 })).toEqual({ sent: 7, failed: 0, stoppedBy: null });
    const items = await listItems(db);
    expect(items.filter((i) => i.owner === ME).every((i) => i.status === "done")).toBe(true);
    expect(items.filter((i) => i.owner === OTHER).map((i) => [i.status, i.attempts])).toEqual(Array(7).fill(["pending", 0]));
    expect(await db.count(STORES.blobs)).toBe(1); // OTHER's selfie waits on the phone
    expect((await db.getAll(STORES.blobs))[0]!.owner).toBe(OTHER);
    // OTHER signs in again: their items go, under their session.
    const before = server.calls.length;
    expect(await drainQueue({ db, owner: OTHER, api: server.api, now: () => T0 })).toEqual({ sent: 7, failed: 0, stoppedBy: null });
    expect(server.calls.slice(before)).toEqual(["start", "check-in", "selfie:102:1234", "pings:3", "check-out:102"]);
  });

  it("a replay that meets another account's credential (401 ACCOUNT_MISMATCH) stops and keeps every item pending, without backoff, for its owner", async () => {
    const server = await day(fakeServer());
    server.set("someone-else");
    expect(await drainQueue({ db, owner: ME, api: server.api, now: () => T0 })).toEqual({ sent: 0, failed: 0, stoppedBy: "unauthorized" });
    expect(server.calls).toEqual(["start"]); // stopped at the first refusal: nothing overtakes it
    const items = await listItems(db);
    expect(items.map((i) => i.status)).toEqual(Array(7).fill("pending"));
    expect(items[0]).toMatchObject({ attempts: 0, next_attempt_at: null, error: { status: 401, code: "ACCOUNT_MISMATCH", message: "Another account is signed in: this waits for its owner to sign in." } });
    server.set("up");
    expect(await drainQueue({ db, owner: ME, api: server.api, now: () => T0 })).toEqual({ sent: 7, failed: 0, stoppedBy: null });
  });

  it("another account's unsent item can be discarded explicitly; my own pending item cannot", async () => {
    await day(fakeServer(), OTHER);
    await enqueue(db, ME, { kind: "session.start", body: { client_id: randomUUID() } }, T0);
    const items = await listItems(db);
    const mine = items.find((i) => i.owner === ME)!;
    await discardItem(db, mine.seq!, ME);
    for (const i of items.filter((x) => x.owner === OTHER)) await discardItem(db, i.seq!, ME);
    expect((await listItems(db)).map((i) => i.owner)).toEqual([ME]);
    expect(await db.count(STORES.blobs)).toBe(0);
  });

  /** A phone with the app's version-1 database: the stores as version 1 created them, items without an owner. */
  async function versionOne(name: string, plan: { personnel_id: number } | null) {
    const v1 = await openDB(name, 1, {
      upgrade(d) {
        const q = d.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
        q.createIndex("by_client_id", "client_id", { unique: true });
        q.createIndex("by_status", "status");
        d.createObjectStore("blobs", { keyPath: "key" });
        d.createObjectStore("cache", { keyPath: "key" });
        d.createObjectStore("meta", { keyPath: "key" });
      },
    });
    const selfie = randomUUID();
    const base = { status: "pending", created_at: T0.toISOString(), attempts: 0, next_attempt_at: null, last_attempt_at: null, done_at: null, error: null, result: null };
    await v1.add("queue", { ...base, kind: "session.start", client_id: randomUUID(), body: { client_id: randomUUID() } });
    await v1.add("queue", { ...base, kind: "visit.selfie", client_id: selfie, check_in_client_id: randomUUID(), location_name: "X", meta: { client_id: selfie } });
    await v1.put("blobs", { key: selfie, blob: new Blob(["jpeg"]), type: "image/jpeg", created_at: T0.toISOString() });
    await v1.put("meta", { key: "consent", value: { version: 1, at: T0.toISOString() } });
    if (plan) await v1.put("cache", { key: "plan_today", value: plan, saved_at: T0.toISOString() });
    v1.close();
  }

  it("upgrade 1 → 2: existing items and Blobs get the owner of the cached plan, nothing is lost, consent moves to that person", async () => {
    const name = `test-${randomUUID()}`;
    await versionOne(name, { personnel_id: OTHER });
    const d = await openOfflineDb(name);
    expect(d.version).toBe(2);
    const items = await listItems(d);
    expect(items.map((i) => [i.kind, i.owner, i.status])).toEqual([["session.start", OTHER, "pending"], ["visit.selfie", OTHER, "pending"]]);
    expect((await d.getAll(STORES.blobs)).map((b) => b.owner)).toEqual([OTHER]);
    expect((await d.get(STORES.meta, consentKey(OTHER)))?.value).toEqual({ version: 1, at: T0.toISOString() });
    // Signed in as ME: nothing of OTHER's is sent.
    const server = fakeServer();
    expect(await drainQueue({ db: d, owner: ME, api: server.api, now: () => T0 })).toEqual({ sent: 0, failed: 0, stoppedBy: null });
    expect(server.calls).toEqual([]);
  });

  it("upgrade 1 → 2 without a cached plan: the owner is unknown (null), nothing is sent until a person claims the items", async () => {
    const name = `test-${randomUUID()}`;
    await versionOne(name, null);
    const d = await openOfflineDb(name);
    expect((await listItems(d)).map((i) => i.owner)).toEqual([null, null]);
    const server = fakeServer();
    await drainQueue({ db: d, owner: ME, api: server.api, now: () => T0 });
    expect(server.calls).toEqual([]);
    expect(await claimUnownedItems(d, ME)).toBe(2);
    expect((await d.getAll(STORES.blobs)).map((b) => b.owner)).toEqual([ME]);
    // The made-up selfie names a check-in that is not on this phone: it fails with its reason instead of waiting.
    expect(await drainQueue({ db: d, owner: ME, api: server.api, now: () => T0 })).toEqual({ sent: 1, failed: 1, stoppedBy: null });
    expect(server.calls).toEqual(["start"]);
  });
});
