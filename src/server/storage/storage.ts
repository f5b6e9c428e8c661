import "server-only";
import { env } from "@/env";
import { LocalStorage } from "./local-storage";
import { UploadthingStorage } from "./uploadthing-storage";

/**
 * Where photos live. Keys are ours ("visits/<visit id>/<upload id>-display.jpg"); an adapter maps them to its backend.
 * Every read for a browser goes through `signedUrl` (expiring), never a public path.
 */
export interface PhotoStorage {
  readonly kind: "local" | "uploadthing";
  put(key: string, data: Buffer, contentType: string): Promise<void>;
  get(key: string): Promise<{ data: Buffer; contentType: string } | null>;
  /** Deleting a missing key is not an error (retention and rollback may repeat). */
  delete(keys: string[]): Promise<void>;
  /** A URL that serves the object until `now + ttlS`. */
  signedUrl(key: string, opts: { ttlS: number; now: Date }): Promise<string>;
}

/** A key we generate: path segments of [A-Za-z0-9._-], no "..", no leading slash. Anything else is refused. */
export const STORAGE_KEY = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
export function isStorageKey(key: string): boolean {
  return key.length <= 200 && STORAGE_KEY.test(key) && !key.split("/").includes("..");
}

let instance: PhotoStorage | undefined;

/** uploadthing when UPLOADTHING_TOKEN is set, else local disk under UPLOADS_DIR (outside public/). */
export function getStorage(): PhotoStorage {
  instance ??= env.UPLOADTHING_TOKEN ? new UploadthingStorage(env.UPLOADTHING_TOKEN) : new LocalStorage(env.UPLOADS_DIR);
  return instance;
}

let replaced = false;
/** Tests point the app at their own directory (undefined: back to the configured storage). */
export function setStorageForTests(storage: PhotoStorage | undefined): void {
  instance = storage;
  replaced = storage !== undefined;
}
/** Whether a test's storage is in place (tests/support/isolation-guard.ts checks that each file put it back). */
export const storageReplacedForTests = (): boolean => replaced;
