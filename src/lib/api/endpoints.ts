import type { NearbyResponse } from "@/contracts/locations";
import type { SelfieUploadMeta } from "@/contracts/photos";
import type { DayPlanResponse, PutPlanRequest, TodayPlanResponse } from "@/contracts/plans";
import type { EndSessionInput, SessionResponse, StartSessionInput, TodaySessionResponse } from "@/contracts/sessions";
import type { RecordPingsInput, RecordPingsResult } from "@/contracts/tracking";
import type { CheckInInput, CheckOutInput, VisitResult } from "@/contracts/visits";
import type { ApiClient } from "./client";

/** The multipart field names of src/contracts/photos.ts (SELFIE_FILE_FIELD, SELFIE_META_FIELD; a unit test keeps them equal). */
export const SELFIE_FIELDS = { photo: "photo", meta: "meta" } as const;

/** The /api/v1 calls the rep PWA makes, typed by the shared contracts (types only: no zod in the browser bundle). */
export function repApi(client: ApiClient) {
  const post = <T>(path: string, body: unknown) => client.request<T>(path, { method: "POST", body });
  return {
    planToday: () => client.request<TodayPlanResponse>("/api/v1/plans/today"),
    sessionToday: () => client.request<TodaySessionResponse>("/api/v1/sessions/today"),
    startDay: (body: StartSessionInput) => post<SessionResponse>("/api/v1/sessions/start", body),
    endDay: (body: EndSessionInput) => post<SessionResponse>("/api/v1/sessions/end", body),
    checkIn: (body: CheckInInput) => post<VisitResult>("/api/v1/visits/check-in", body),
    checkOut: (body: CheckOutInput) => post<VisitResult>("/api/v1/visits/check-out", body),
    pings: (body: RecordPingsInput) => post<RecordPingsResult>("/api/v1/tracking/pings", body),
    nearby: (q: { lat: number; lon: number; radius?: number; limit?: number }) =>
      client.request<NearbyResponse>(`/api/v1/locations/nearby?${new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]))}`),
    /** multipart: `photo` + `meta` JSON (src/contracts/photos.ts). */
    uploadSelfie: (visitId: number, photo: Blob, meta: SelfieUploadMeta) => {
      const form = new FormData();
      form.set(SELFIE_FIELDS.photo, photo, "selfie.jpg");
      form.set(SELFIE_FIELDS.meta, JSON.stringify(meta));
      return post<unknown>(`/api/v1/visits/${visitId}/selfie`, form);
    },
    putPlan: (personnelId: number, date: string, body: PutPlanRequest) => client.request<DayPlanResponse>(`/api/v1/plans/${personnelId}/${date}`, { method: "PUT", body }),
    pushSubscribe: (body: unknown) => post<unknown>("/api/v1/push/subscriptions", body),
  };
}
export type RepApi = ReturnType<typeof repApi>;
