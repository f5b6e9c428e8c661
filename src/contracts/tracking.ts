import { z } from "zod";
import { calendarDate } from "./dates";
import { idString } from "./ids";

import { GAP_THRESHOLD_MS, MAX_GAPS_PER_BATCH, MAX_PINGS_PER_BATCH } from "./field-rules";
export { GAP_THRESHOLD_MS, MAX_GAPS_PER_BATCH, MAX_PINGS_PER_BATCH };

/** A fix may be replayed from the offline queue up to this long after it was taken. */
export const MAX_PING_AGE_MS = 7 * 24 * 3600_000;
/** Device clocks may run ahead by this much before a fix is refused as from the future. */
export const MAX_PING_FUTURE_MS = 2 * 60_000;

// zod 4 numbers already refuse NaN and ±Infinity (JSON cannot carry them, but a server action could).
const num = (what: string) => z.number({ error: `${what} must be a finite number` });
const isoInstant = z.iso.datetime({ offset: true, error: "an ISO 8601 date-time with a time zone (e.g. 2026-11-25T10:00:00Z)" });

export const pingSources = ["gps", "network", "fused", "unknown"] as const;
export const gapCauses = ["hidden", "offline", "permission_denied", "no_fix"] as const;

export const pingSchema = z.strictObject({
  client_id: z.uuid({ error: "client_id must be a UUID" }),
  lat: num("lat").min(-90).max(90),
  lon: num("lon").min(-180).max(180),
  accuracy_m: num("accuracy_m").min(0).max(100_000),
  captured_at: isoInstant,
  speed: num("speed").min(0).max(1_000).nullish(),
  heading: num("heading").min(0).max(360).nullish(),
  /** What produced the fix, when the client knows: `network` fixes are excluded from travel distance. */
  source: z.enum(pingSources).nullish(),
});
export type PingInput = z.infer<typeof pingSchema>;

export const clientGapSchema = z
  .strictObject({ from: isoInstant, to: isoInstant, cause: z.enum(gapCauses) })
  .refine((g) => Date.parse(g.from) < Date.parse(g.to), { message: "from must be before to", path: ["to"] });
export type ClientGap = z.infer<typeof clientGapSchema>;

export const recordPingsSchema = z.strictObject({
  pings: z.array(pingSchema).min(1).max(MAX_PINGS_PER_BATCH),
  /** Stretches the client knows it had no fix, with why; they label the gaps the server detects. */
  gaps: z.array(clientGapSchema).max(MAX_GAPS_PER_BATCH).optional(),
});
export type RecordPingsInput = z.infer<typeof recordPingsSchema>;

export const pingRejectReasons = ["future_timestamp", "too_old", "outside_work_hours", "no_open_day", "before_day_start", "client_id_reused"] as const;
export type PingRejectReason = (typeof pingRejectReasons)[number];

export const recordPingsResultSchema = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(z.object({ client_id: z.string(), reason: z.enum(pingRejectReasons) })),
  gaps_recorded: z.number().int(),
});
export type RecordPingsResult = z.infer<typeof recordPingsResultSchema>;

export const trailQuerySchema = z.strictObject({
  personnel_id: idString.optional(),
  date: calendarDate.optional(),
});
export type TrailQuery = z.infer<typeof trailQuerySchema>;

export const trailPingSchema = z.object({
  id: z.number().int(),
  lat: z.number(),
  lon: z.number(),
  accuracy_m: z.number(),
  speed: z.number().nullable(),
  heading: z.number().nullable(),
  source: z.string().nullable(),
  captured_at: z.string(),
  received_at: z.string(),
  /** Whether the fix survived the travel filter (docs/decisions/0004-travel-distance-filter.md). */
  kept: z.boolean(),
});

export const trailGapSchema = z.object({ started_at: z.string(), ended_at: z.string(), duration_s: z.number(), cause: z.string() });

export const trailSchema = z.object({
  personnel_id: z.number().int(),
  date: z.string(),
  session: z
    .object({ id: z.number().int(), status: z.string(), login_time: z.string().nullable(), logout_time: z.string().nullable(), total_travel_km: z.number() })
    .nullable(),
  travel: z.object({ raw_m: z.number(), filtered_m: z.number(), raw_points: z.number().int(), kept_points: z.number().int() }),
  pings: z.array(trailPingSchema),
  gaps: z.array(trailGapSchema),
});
export type Trail = z.infer<typeof trailSchema>;
