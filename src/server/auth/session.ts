import "server-only";
import type { Actor } from "./actor";

/**
 * The signed-in person behind a page or server action (next-auth session cookie), or null.
 * Placeholder until the next-auth wiring lands: no session can exist yet, so nobody is signed in.
 */
export async function getSessionActor(): Promise<Actor | null> {
  return null;
}
