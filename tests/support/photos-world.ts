/** Builders for the photo tests: a temp storage directory, selfie requests, files on disk. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll } from "vitest";
import type { Actor } from "../../src/server/auth/actor";
import type { Db, DbHandle } from "../../src/server/db/client";
import { checkIn } from "../../src/server/visits/check-in";
import { useDbHandle } from "../../src/server/db";
import { issueAccessToken } from "../../src/server/auth/tokens";
import { LocalStorage } from "../../src/server/storage/local-storage";
import { setStorageForTests } from "../../src/server/storage/storage";
import { ctxFor, fixturesDir, makeLocation, makePerson, uuid } from "./visits-world";

/** Points the app's storage at a fresh temp directory; returns it and a cleanup. */
export function tempStorage(): { root: string; files: () => string[]; dispose: () => void } {
  const root = mkdtempSync(path.join(tmpdir(), "fieldbeat-photos-"));
  setStorageForTests(new LocalStorage(root));
  const files = (): string[] => {
    const out: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d)) {
        const f = path.join(d, n);
        if (statSync(f).isDirectory()) walk(f);
        else out.push(path.relative(root, f));
      }
    };
    walk(root);
    return out.sort();
  };
  return { root, files, dispose: () => (setStorageForTests(undefined), rmSync(root, { recursive: true, force: true })) };
}

export const fixturePhoto = (name: string) => readFileSync(path.join(fixturesDir(), "photos", name));

/** A JPEG like a canvas capture: no EXIF at all. */
export const canvasJpeg = (w = 640, h = 480) => sharp({ create: { width: w, height: h, channels: 3, background: { r: 200, g: 120, b: 80 } } }).jpeg({ quality: 85 }).toBuffer();

export type SelfieMetaInput = { client_id?: string; source?: "camera" | "file"; capture_fix?: { lat: number; lon: number; accuracy_m?: number; captured_at?: string } | null; device_time?: string };

export function selfieMeta(m: SelfieMetaInput = {}) {
  const now = new Date().toISOString();
  return {
    client_id: m.client_id ?? uuid(),
    source: m.source ?? "camera",
    capture_fix: m.capture_fix === null || m.capture_fix === undefined ? null : { accuracy_m: 8, captured_at: now, ...m.capture_fix },
    device_time: m.device_time ?? now,
    user_agent: "vitest",
  };
}

export function selfieForm(photo: Buffer, meta: ReturnType<typeof selfieMeta>, opts: { filename?: string; type?: string } = {}): FormData {
  const form = new FormData();
  form.set("photo", new Blob([new Uint8Array(photo)], { type: opts.type ?? "image/jpeg" }), opts.filename ?? "selfie.jpg");
  form.set("meta", JSON.stringify(meta));
  return form;
}

type Handler = (req: Request, ctx: { params: Promise<{ id: string }> }) => Promise<Response>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type LooseJson = any;

/** POSTs a selfie through the real route handler as `as` (Bearer token). `body` may be a FormData or a raw stream. */
export async function postSelfie(handler: Handler, visitId: number, as: number, body: FormData | { stream: ReadableStream<Uint8Array>; contentType: string }): Promise<{ status: number; body: LooseJson }> {
  const headers: Record<string, string> = { authorization: "Bearer " + (await issueAccessToken(as, new Date())) };
  let init: RequestInit & { duplex?: "half" };
  if (body instanceof FormData) init = { method: "POST", headers, body };
  else init = { method: "POST", headers: { ...headers, "content-type": body.contentType }, body: body.stream, duplex: "half" };
  const res = await handler(new Request(`http://localhost/api/v1/visits/${visitId}/selfie`, init), { params: Promise.resolve({ id: String(visitId) }) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/**
 * The photo test files' shared lifecycle: the app's db handle is the file's test database and its storage a fresh temp
 * directory, one per driver (both databases number their visits from 1), both undone after the file.
 */
export function setUpPhotoWorld(ctx: { readonly handle: DbHandle }): { readonly storage: ReturnType<typeof tempStorage> } {
  let storage: ReturnType<typeof tempStorage> | undefined;
  beforeAll(() => {
    useDbHandle(ctx.handle);
    storage = tempStorage();
  });
  afterAll(() => {
    useDbHandle(undefined);
    storage?.dispose();
  });
  return {
    get storage() {
      if (!storage) throw new Error("photo world not ready (use it inside tests or hooks)");
      return storage;
    },
  };
}

/** A new rep with a visit checked in now at a new location (12.9, 77.5): the target of one selfie upload. */
export async function openSelfieVisit(db: Db): Promise<{ rep: Actor; visitId: number }> {
  const rep = await makePerson(db, "rep");
  const loc = await makeLocation(db, 12.9, 77.5);
  const { body } = await checkIn(ctxFor(db, rep), { client_id: uuid(), location_id: loc, lat: 12.9, lon: 77.5, accuracy_m: 8, captured_at: new Date().toISOString() });
  return { rep, visitId: body.visit.id };
}
