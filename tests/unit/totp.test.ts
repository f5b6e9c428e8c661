import { describe, expect, it } from "vitest";
import { hashRecoveryCode, newRecoveryCodes, normaliseRecoveryCode } from "../../src/server/auth/mfa/recovery-codes";
import { decryptSecret, encryptSecret, newTotpSecret, totpCode, totpUri, verifyTotp } from "../../src/server/auth/mfa/totp";

// RFC 6238 appendix B: the SHA-1 seed "12345678901234567890" (ASCII), in base32.
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

describe("TOTP (RFC 6238)", () => {
  it("matches the RFC test vectors (last 6 of the 8 digits)", async () => {
    expect(await totpCode(RFC_SECRET, new Date(59_000))).toBe("287082");
    expect(await totpCode(RFC_SECRET, new Date(1111111109_000))).toBe("081804");
    expect(await totpCode(RFC_SECRET, new Date(1234567890_000))).toBe("005924");
  });

  it("accepts the current step and one either side, nothing further", async () => {
    const now = new Date("2026-03-02T06:00:15Z");
    const at = (s: number) => totpCode(RFC_SECRET, new Date(now.getTime() + s * 1000));
    for (const s of [-30, 0, 30]) expect(await verifyTotp(RFC_SECRET, await at(s), now)).toBe(true);
    for (const s of [-90, 90]) {
      const code = await at(s);
      if (code !== (await at(0))) expect(await verifyTotp(RFC_SECRET, code, now)).toBe(false);
    }
  });

  it("refuses malformed codes without throwing", async () => {
    const now = new Date();
    for (const bad of ["", "12345", "1234567", "abcdef", "12 34 5x"]) expect(await verifyTotp(RFC_SECRET, bad, now)).toBe(false);
    expect(await verifyTotp("not base32!", "123456", now)).toBe(false);
  });

  it("makes 160-bit base32 secrets and an otpauth URI authenticator apps read", () => {
    const s = newTotpSecret();
    expect(s).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(s);
    const uri = new URL(totpUri("manager1@fieldbeat.test", s));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("secret")).toBe(s);
    expect(uri.searchParams.get("issuer")).toBe("Fieldbeat");
  });
});

describe("MFA secret at rest (AES-256-GCM)", () => {
  it("round-trips, uses a fresh IV each time, and refuses tampering", () => {
    const s = newTotpSecret();
    const a = encryptSecret(s);
    const b = encryptSecret(s);
    expect(a).not.toBe(b);
    expect(a).not.toContain(s);
    expect(decryptSecret(a)).toBe(s);
    const raw = Buffer.from(a.slice(3), "base64url");
    raw[raw.length - 1]! ^= 1;
    expect(decryptSecret("v1:" + raw.toString("base64url"))).toBeNull();
    expect(decryptSecret(s)).toBeNull(); // a plaintext value is not accepted as ciphertext
    expect(decryptSecret("v2:abc")).toBeNull();
  });
});

describe("recovery codes", () => {
  it("are 10 distinct, readable XXXXX-XXXXX codes, hashed after normalising", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[2-9A-HJ-NP-TV-Z]{5}-[2-9A-HJ-NP-TV-Z]{5}$/);
    const c = codes[0]!;
    expect(normaliseRecoveryCode(` ${c.toLowerCase()} `)).toBe(c.replace("-", ""));
    expect(hashRecoveryCode(c.toLowerCase().replace("-", ""))).toBe(hashRecoveryCode(c));
    expect(hashRecoveryCode(c)).toMatch(/^[0-9a-f]{64}$/);
  });
});
