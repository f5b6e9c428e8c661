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
    const dummy = await getDummyHash();
    countWork(dummy);
    await verify(dummy, password).catch(() => false);
    return false;
  }
  countWork(stored);
  try {
    return await verify(stored, password);
  } catch {
    return false; // a malformed stored hash is a failed check, never a crash
  }
}

/**
 * The work done so far: argon2 verifications and the parameters (algorithm, version, memory, time,
 * parallelism) of each. Tests prove "the same work on every failure path" from these counts instead of
 * from wall-clock times, which a busy machine distorts (the timing itself is in bench/signin-timing.ts).
 */
export const passwordWork: { verifications: number; params: string[] } = { verifications: 0, params: [] };
function countWork(hashed: string) {
  passwordWork.verifications++;
  passwordWork.params.push(/^\$[^$]+\$[^$]+\$[^$]+/.exec(hashed)?.[0] ?? "malformed");
  if (passwordWork.params.length > 100) passwordWork.params.shift();
}
