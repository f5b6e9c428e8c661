import "server-only";
import { validationFailed } from "../errors";

/** Keyset cursor of the lists ordered by (lower(name), id): personnel, customers. Opaque to clients (base64url JSON). */
export type NameCursor = { n: string; id: number };

export const encodeNameCursor = (c: NameCursor) => Buffer.from(JSON.stringify(c)).toString("base64url");

/** The cursor a list answered with; anything else is a 400 on `cursor`. */
export function decodeNameCursor(raw: string): NameCursor {
  try {
    const c: unknown = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
    if (c && typeof c === "object" && typeof (c as NameCursor).n === "string" && Number.isInteger((c as NameCursor).id)) return c as NameCursor;
  } catch {
    // fall through to the error below
  }
  throw validationFailed("cursor: not a cursor this API returned", "cursor");
}
