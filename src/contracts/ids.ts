import { z } from "zod";

/** The largest value of a PostgreSQL `integer` (serial) column: every id the API names lives in one. */
export const MAX_INT4 = 2_147_483_647;

/** Canonical decimal: no sign, no leading zero, no exponent, no hex, no fraction, no spaces. */
const CANONICAL_ID = /^[1-9][0-9]{0,9}$/;
const message = "must be a positive whole number (decimal, no leading zeros) up to 2147483647";

/**
 * The one id schema for JSON bodies: a JSON integer in 1..2147483647. Anything else (a string, 1.5,
 * 1e309, -1, 2147483648) is a 400 before a query ever sees it, so no id reaches PostgreSQL out of range.
 */
export const idValue = z.number({ error: message }).int({ error: message }).min(1, { error: message }).max(MAX_INT4, { error: message });

/**
 * The one id schema for path segments and query parameters (strings): canonical decimal only, so
 * "0x10", "010", "+1", "1.0", "1e3" and " 1" are refused (400) instead of silently naming another row.
 */
export const idString = z
  .string({ error: message })
  .regex(CANONICAL_ID, { error: message })
  .refine((s) => Number(s) <= MAX_INT4, { error: message })
  .transform(Number)
  .pipe(idValue);

/** True when `raw` is a canonical id string in range. */
export const isIdString = (raw: string): boolean => CANONICAL_ID.test(raw) && Number(raw) <= MAX_INT4;

/** `{ id }` of a path like /visits/{id}: the same strict rule as every other id. */
export const idPathParams = z.object({ id: idString });
