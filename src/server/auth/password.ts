import "server-only";
import { hash, verify } from "@node-rs/argon2";

/** argon2id with the library's defaults (the same parameters the demo seed uses). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verified against when the email is unknown, so "no such person" costs the same time as "wrong password".
let dummyHash: Promise<string> | undefined;
const getDummyHash = () => (dummyHash ??= hash("fieldbeat-dummy-password-that-never-matches"));

/**
 * True when `password` matches `stored`. With no stored hash (unknown email, no password set) it still
 * runs one argon2 verification and answers false: both cases take as long as a wrong password.
 */
export async function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) {
    await verify(await getDummyHash(), password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false; // a malformed stored hash is a failed check, never a crash
  }
}
