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
/** The person's open visit (checked in, not out), wherever and on whichever phone it was opened: the app rebuilds from it. */
export const openVisitSchema = z.object({
  id: z.number().int(),
  client_id: z.string().nullable().describe("The check-in's client_id"),
  check_in_time: z.string(),
  location: z.object({ id: z.number().int(), name: z.string(), address: z.string().nullable(), lat: z.number(), lon: z.number(), geofence_radius: z.number().int() }),
});
export type OpenVisitJson = z.infer<typeof openVisitSchema>;
export const todaySessionResponse = z.object({
  session: sessionSchema.nullable(),
  session_date: z.string(),
  open_visit: openVisitSchema.nullable().optional().describe("The caller's open visit, if any (it blocks a new check-in and the day's end until checked out)"),
});
export type TodaySessionResponse = z.infer<typeof todaySessionResponse>;
