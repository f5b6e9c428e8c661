import "server-only";
import { randomInt } from "node:crypto";

// No 0/O, 1/l/I: the admin reads it out or types it into a chat.
const ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** A 20-character temporary password (~115 bits) in groups of five: "k7pqm-3xzAb-…". */
export function generateTemporaryPassword(): string {
  const chars = Array.from({ length: 20 }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join("")).join("-");
}
