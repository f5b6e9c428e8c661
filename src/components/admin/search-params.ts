/** Next's searchParams → flat strings, empty values dropped (a GET filter form sends `role=` for "any"). */
export function flatParams(sp: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(sp)) {
    const s = Array.isArray(v) ? v[v.length - 1] : v;
    if (s !== undefined && s.trim() !== "") out[k] = s.trim();
  }
  return out;
}

/** A link to the same page with some params replaced (null removes one). */
export function withParams(path: string, current: Record<string, string>, changes: Record<string, string | null>): string {
  const q = new URLSearchParams(current);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
