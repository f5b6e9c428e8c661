import { z } from "zod";
import { clientId, isoInstant, latitude, longitude } from "./locations";

export const startSessionInput = z.object({
  client_id: clientId,
  captured_at: isoInstant.optional().describe("Device time of 'Start day' (login time); server time when absent"),
  lat: latitude.optional(),
  lon: longitude.optional(),
});
export type StartSessionInput = z.infer<typeof startSessionInput>;

export const endSessionInput = z.object({
  client_id: clientId,
  captured_at: isoInstant.optional().describe("Device time of 'End day' (logout time); server time when absent"),
});
export type EndSessionInput = z.infer<typeof endSessionInput>;

export const sessionSchema = z.object({
  id: z.number().int(),
  personnel_id: z.number().int(),
  session_date: z.string().describe("YYYY-MM-DD in the organisation's time zone"),
  login_time: z.string().nullable(),
  logout_time: z.string().nullable(),
  total_visits: z.number().int(),
  total_travel_km: z.number(),
  status: z.enum(["OPEN", "CLOSED"]),
  start_client_id: z.string().nullable(),
  end_client_id: z.string().nullable(),
});
export type SessionJson = z.infer<typeof sessionSchema>;

export const sessionResponse = z.object({ session: sessionSchema });
export type SessionResponse = z.infer<typeof sessionResponse>;
export const todaySessionResponse = z.object({ session: sessionSchema.nullable(), session_date: z.string() });
export type TodaySessionResponse = z.infer<typeof todaySessionResponse>;
