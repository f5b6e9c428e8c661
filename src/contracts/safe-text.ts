/**
 * Text the API accepts: no NUL (PostgreSQL text cannot hold it) and no lone UTF-16 surrogate (not
 * encodable as UTF-8). One check for every string of every input (body, query, path, server action),
 * applied by parseInput before the schema, so no field can be forgotten.
 *
 * The work per input is bounded before anything walks it (issue #17 item 0): a JSON body's text is
 * pre-scanned for nesting depth and value count (`checkJsonShape`, no allocation), and the walk over a
 * parsed value (`scanInput`) stops at the same limits, allocating one frame per container and nothing
 * per array element, so a 1 MB `{"pad":[0,0,…]}` costs a byte loop, not an object per zero.
 */

// A surrogate half not paired with its other half, or a NUL.
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Nesting deeper than this is refused: no input of this API needs more than a few levels. */
export const MAX_INPUT_DEPTH = 32;

/**
 * Values (strings, numbers, booleans, nulls, arrays, objects; keys not counted separately) one input may hold.
 * The largest legitimate body, a full ping batch (500 pings × ~10 fields), is about 6,000.
 */
export const MAX_INPUT_VALUES = 50_000;

export type InputLimits = { maxDepth?: number; maxValues?: number };

export const isSafeText = (s: string): boolean => !UNSAFE.test(s);

/**
 * The smallest magnitude a non-zero input number may have: the smallest normal single-precision float.
 * Below it (subnormals such as 5e-324 included) PostgreSQL's `real` and `double precision` refuse the value
 * as out of range, and no measurement of this API is that small; NaN and ±Infinity are refused too.
 */
export const MIN_INPUT_MAGNITUDE = 1.1754943508222875e-38;

/** A finite number that is 0 or at least MIN_INPUT_MAGNITUDE in magnitude: one rule for every numeric input. */
export const isStorableNumber = (n: number): boolean => Number.isFinite(n) && (n === 0 || Math.abs(n) >= MIN_INPUT_MAGNITUDE);

export type UnsafeInput = { path: string; reason: "unsafe_text" | "too_deep" | "too_many_values" | "bad_number" };

const DONE = Symbol("done");

type Frame = { node: object; keys: string[] | null; i: number };

/** The dotted path of the value the walk stands on: each open container's current key. */
const pathOf = (frames: Frame[], extra?: string): string => {
  const parts = frames.map((f) => (f.keys ? f.keys[f.i - 1]! : String(f.i - 1)));
  if (extra) parts.push(extra);
  return parts.join(".");
};

/**
 * Walks a parsed input without recursion, stopping at the first unsafe string or key, at a number that is not
 * storable (NaN, ±Infinity, subnormal or near it: `isStorableNumber`), at nesting past
 * `maxDepth`, or after `maxValues` values. `visited` is how many values were looked at (never more than
 * maxValues + 1), so a caller can prove the walk stopped early.
 */
export function scanInput(value: unknown, limits: InputLimits = {}): { bad: UnsafeInput | null; visited: number } {
  const maxDepth = limits.maxDepth ?? MAX_INPUT_DEPTH;
  const maxValues = limits.maxValues ?? MAX_INPUT_VALUES;
  const frames: Frame[] = [];
  let visited = 0;
  let v: unknown = value;
  for (;;) {
    visited++;
    if (visited > maxValues) return { bad: { path: pathOf(frames), reason: "too_many_values" }, visited };
    if (typeof v === "string") {
      if (!isSafeText(v)) return { bad: { path: pathOf(frames), reason: "unsafe_text" }, visited };
    } else if (typeof v === "number") {
      if (!isStorableNumber(v)) return { bad: { path: pathOf(frames), reason: "bad_number" }, visited };
    } else if (v !== null && typeof v === "object") {
      if (frames.length >= maxDepth) return { bad: { path: pathOf(frames), reason: "too_deep" }, visited };
      frames.push({ node: v, keys: Array.isArray(v) ? null : Object.keys(v), i: 0 });
    }
    // The next value: the next child of the innermost container that has one left.
    v = DONE;
    while (frames.length > 0) {
      const f = frames[frames.length - 1]!;
      const length = f.keys ? f.keys.length : (f.node as unknown[]).length;
      if (f.i >= length) {
        frames.pop();
        continue;
      }
      if (f.keys) {
        const key = f.keys[f.i++]!;
        if (!isSafeText(key)) return { bad: { path: pathOf(frames.slice(0, -1), "(key)"), reason: "unsafe_text" }, visited };
        v = (f.node as Record<string, unknown>)[key];
      } else {
        v = (f.node as unknown[])[f.i++];
      }
      break;
    }
    if (v === DONE) return { bad: null, visited };
  }
}

/** The first unsafe string (or too-deep nesting, or too many values) in a parsed input; null when all is safe. */
export function findUnsafeInput(value: unknown, limits: InputLimits = {}): UnsafeInput | null {
  return scanInput(value, limits).bad;
}

/**
 * Nesting depth and value count of a JSON text, read in one pass over its characters before it is parsed
 * (no allocation): null when within the limits, else the first limit crossed. Values are counted as the walk of
 * the parsed value counts them (each element and each property value, containers included). Malformed JSON is left to
 * JSON.parse; this only has to be right for well-formed text and never slow for any text.
 */
export function checkJsonShape(text: string, limits: InputLimits = {}): "too_deep" | "too_many_values" | null {
  const maxDepth = limits.maxDepth ?? MAX_INPUT_DEPTH;
  const maxValues = limits.maxValues ?? MAX_INPUT_VALUES;
  let depth = 0;
  let values = 1; // the top-level value
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      // [ or {: one level deeper, and its first child (an empty container is counted once too many: conservative)
      if (++depth > maxDepth) return "too_deep";
      if (++values > maxValues) return "too_many_values";
    } else if (c === 0x5d || c === 0x7d) depth--;
    else if (c === 0x2c) {
      if (++values > maxValues) return "too_many_values";
    }
  }
  return null;
}

/**
 * Text from a file or another outside source (EXIF tags, CSV cells) made safe for jsonb and text columns:
 * NUL and the other C0/C1 control characters (tab, line feed and carriage return kept) removed, lone
 * surrogates replaced by U+FFFD, Unicode normalised to NFC, surrounding space trimmed, at most `maxLength`
 * characters. A camera that pads its model name with NULs, or a spreadsheet cell holding a stray control
 * character, then stores as the text it meant.
 */
export function sanitizeText(s: string, maxLength = 10_000): string {
  let out = s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, "");
  out = out.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
  out = out.normalize("NFC").trim();
  if (out.length > maxLength) {
    out = out.slice(0, maxLength);
    // Do not cut a surrogate pair in half.
    if (/[\uD800-\uDBFF]$/.test(out)) out = out.slice(0, -1);
  }
  return out;
}
