import "server-only";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { signFileUrl } from "./signed-url";
import { isStorageKey, type PhotoStorage } from "./storage";

const TYPES: Record<string, string> = { jpg: "image/jpeg", png: "image/png", webp: "image/webp" };

/**
 * Photos on local disk (default .data/uploads, outside public/ so Next never serves them by itself). Served only by
 * GET /api/v1/files/<key> with a signature. Writes go to a temp name then rename, so a reader never sees half a file.
 */
export class LocalStorage implements PhotoStorage {
  readonly kind = "local" as const;
  constructor(private readonly root: string) {}

  private file(key: string): string {
    if (!isStorageKey(key)) throw new Error(`not a storage key: ${key}`);
    return path.join(this.root, ...key.split("/"));
  }

  async put(key: string, data: Buffer, _contentType?: string): Promise<void> {
    const file = this.file(key);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, data, { mode: 0o600 });
    await rename(tmp, file);
  }

  async get(key: string): Promise<{ data: Buffer; contentType: string } | null> {
    try {
      const data = await readFile(this.file(key));
      return { data, contentType: TYPES[key.split(".").pop() ?? ""] ?? "application/octet-stream" };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(keys.map((k) => rm(this.file(k), { force: true })));
  }

  async signedUrl(key: string, opts: { ttlS: number; now: Date }): Promise<string> {
    return signFileUrl(key, opts.ttlS, opts.now);
  }
}
