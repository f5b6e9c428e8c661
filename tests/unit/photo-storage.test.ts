/** The local storage adapter on a real temp directory, and the HMAC signature of file URLs. */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalStorage } from "../../src/server/storage/local-storage";
import { signFileUrl, verifyFileSignature } from "../../src/server/storage/signed-url";
import { isStorageKey } from "../../src/server/storage/storage";

const root = mkdtempSync(path.join(tmpdir(), "fieldbeat-storage-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("LocalStorage", () => {
  const s = new LocalStorage(root);
  it("puts, gets and deletes by key, leaving no temp files", async () => {
    await s.put("visits/7/abc-display.jpg", Buffer.from([0xff, 0xd8, 0xff, 1, 2]), "image/jpeg");
    expect(await s.get("visits/7/abc-display.jpg")).toEqual({ data: Buffer.from([0xff, 0xd8, 0xff, 1, 2]), contentType: "image/jpeg" });
    expect(readdirSync(path.join(root, "visits/7"))).toEqual(["abc-display.jpg"]);
    await s.delete(["visits/7/abc-display.jpg", "visits/7/never-existed.jpg"]);
    expect(await s.get("visits/7/abc-display.jpg")).toBeNull();
  });
  it("refuses keys that could leave its directory", async () => {
    for (const k of ["../etc/passwd", "visits/../../x", "/abs.jpg", "visits//x.jpg", "a\\b.jpg", ".hidden"]) {
      expect(isStorageKey(k), k).toBe(false);
      await expect(s.get(k)).rejects.toThrow(/not a storage key/);
    }
  });
});

describe("signed file URLs", () => {
  const now = new Date("2026-03-10T10:00:00Z");
  const parse = (url: string) => {
    const u = new URL(url, "http://x");
    return { key: u.pathname.replace("/api/v1/files/", ""), exp: u.searchParams.get("exp"), sig: u.searchParams.get("sig") };
  };
  it("verifies until it expires (default 15 minutes), then says expired", () => {
    const { key, exp, sig } = parse(signFileUrl("visits/7/a-thumb.jpg", 900, now));
    expect(key).toBe("visits/7/a-thumb.jpg");
    expect(verifyFileSignature(key, exp, sig, new Date(now.getTime() + 899_000))).toBe("ok");
    expect(verifyFileSignature(key, exp, sig, new Date(now.getTime() + 901_000))).toBe("expired");
  });
  it("says invalid for a tampered key, expiry or signature, or a missing one", () => {
    const { key, exp, sig } = parse(signFileUrl("visits/7/a-thumb.jpg", 900, now));
    expect(verifyFileSignature("visits/8/a-thumb.jpg", exp, sig, now)).toBe("invalid");
    expect(verifyFileSignature(key, String(Number(exp) + 3600), sig, now)).toBe("invalid");
    expect(verifyFileSignature(key, exp, sig!.slice(0, -2) + (sig!.endsWith("AA") ? "BB" : "AA"), now)).toBe("invalid");
    expect(verifyFileSignature(key, null, sig, now)).toBe("invalid");
    expect(verifyFileSignature(key, exp, null, now)).toBe("invalid");
  });
});
