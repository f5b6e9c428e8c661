import "server-only";
import { UTApi, UTFile } from "uploadthing/server";
import type { PhotoStorage } from "./storage";

/**
 * Photos on uploadthing (when UPLOADTHING_TOKEN is set): our key is the file's customId, uploads are private and
 * browsers get uploadthing's own expiring signed URL. NOT exercised against the service in this repository's tests
 * (the machine that builds it has no route to uploadthing); the local adapter is the tested one.
 */
export class UploadthingStorage implements PhotoStorage {
  readonly kind = "uploadthing" as const;
  private readonly api: UTApi;
  constructor(token: string) {
    this.api = new UTApi({ token, logLevel: "Error" });
  }

  async put(key: string, data: Buffer, contentType: string): Promise<void> {
    const file = new UTFile([new Uint8Array(data)], key.split("/").pop() ?? "photo", { type: contentType, customId: key });
    const result = await this.api.uploadFiles(file, { acl: "private", contentDisposition: "inline" });
    if (result.error) throw new Error(`uploadthing upload failed: ${result.error.message}`);
  }

  async get(key: string): Promise<{ data: Buffer; contentType: string } | null> {
    const { ufsUrl } = await this.api.generateSignedURL(key, { keyType: "customId", expiresIn: 60 });
    const res = await fetch(ufsUrl);
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`uploadthing read failed: ${res.status}`);
    return { data: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get("content-type") ?? "application/octet-stream" };
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length > 0) await this.api.deleteFiles(keys, { keyType: "customId" });
  }

  async signedUrl(key: string, opts: { ttlS: number }): Promise<string> {
    return (await this.api.generateSignedURL(key, { keyType: "customId", expiresIn: Math.max(1, Math.floor(opts.ttlS)) })).ufsUrl;
  }
}
