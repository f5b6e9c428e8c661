/**
 * PostgreSQL array literals, sent as one text parameter and cast in SQL (`${arrayLiteral(ids)}::bigint[]`): one
 * parameter whatever the length, so the statement text stays the same and can be prepared once.
 */

/** Values that need no quoting: numbers, uuids, ISO timestamps, fixed identifiers (flags, enum tokens). null → NULL. */
export const arrayLiteral = (values: readonly (string | number | null | undefined)[]) =>
  `{${values.map((v) => (v === null || v === undefined ? "NULL" : String(v))).join(",")}}`;

/** Any text: every element quoted, `"` and `\` escaped; null → NULL. */
export const textArray = (values: readonly (string | null)[]) =>
  `{${values.map((v) => (v === null ? "NULL" : `"${v.replace(/["\\]/g, "\\$&")}"`)).join(",")}}`;
