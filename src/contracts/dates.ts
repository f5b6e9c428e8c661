import { z } from "zod";

const message = "must be a real calendar date YYYY-MM-DD from 1900-01-01 on";

/**
 * The one calendar-date schema: YYYY-MM-DD naming a day that exists (2026-02-31 and 2025-02-29 are refused), from
 * 1900 on (PostgreSQL has no year 0000). A refused date is a 400 with its field, never handed to PostgreSQL, where
 * `'2026-02-31'::date` is an error and was a 500. Every date query parameter uses it.
 */
export const calendarDate = z.iso.date({ error: message }).refine((d) => d >= "1900-01-01", { error: message });
