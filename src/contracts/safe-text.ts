/**
 * Text the API accepts: no NUL (PostgreSQL text cannot hold it) and no lone UTF-16 surrogate (not
 * encodable as UTF-8). One check for every string of every input (body, query, path, server action),
 * applied by parseInput before the schema, so no field can be forgotten.
 */

// A surrogate half not paired with its other half, or a NUL.
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Nesting deeper than this is refused: no input of this API needs more than a few levels. */
export const MAX_INPUT_DEPTH = 32;

export const isSafeText = (s: string): boolean => !UNSAFE.test(s);

export type UnsafeInput = { path: string; reason: "unsafe_text" | "too_deep" };

/** The first unsafe string (or too-deep nesting) in a parsed input, walked without recursion; null when all is safe. */
export function findUnsafeInput(value: unknown): UnsafeInput | null {
  const stack: { v: unknown; path: string[] }[] = [{ v: value, path: [] }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (typeof v === "string") {
      if (!isSafeText(v)) return { path: path.join("."), reason: "unsafe_text" };
    } else if (v !== null && typeof v === "object") {
      if (path.length >= MAX_INPUT_DEPTH) return { path: path.join("."), reason: "too_deep" };
      for (const [k, child] of Object.entries(v)) {
        if (!isSafeText(k)) return { path: [...path, "(key)"].join("."), reason: "unsafe_text" };
        stack.push({ v: child, path: [...path, k] });
      }
    }
  }
  return null;
}
