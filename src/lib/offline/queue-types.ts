import type { PutPlanRequest } from "@/contracts/plans";
import type { SelfieUploadMeta } from "@/contracts/photos";
import type { EndSessionInput, OpenVisitJson, StartSessionInput } from "@/contracts/sessions";
import type { RecordPingsInput } from "@/contracts/tracking";
import type { CheckInInput, CheckOutInput } from "@/contracts/visits";

/** What a queued action does. Check-out and selfie name their check-in by client_id: the server visit id is learnt when it syncs. */
export type QueuedAction =
  | { kind: "session.start"; body: StartSessionInput }
  | { kind: "session.end"; body: EndSessionInput }
  | { kind: "visit.check_in"; body: CheckInInput; location_name: string; /** The customer, so an open visit can be reopened from Today wherever it began */ place?: QueuedPlace }
  // visit_id: set when the check-in is known from the server only (opened on another phone, or before this phone's data was cleared).
  // server_visit: that server-known check-in as the server described it, so the phone still shows the visit (and its
  // check-out) once the server no longer lists it as open.
  | { kind: "visit.check_out"; body: Omit<CheckOutInput, "visit_id">; check_in_client_id: string; location_name: string; visit_id?: number; server_visit?: OpenVisitJson }
  | { kind: "visit.selfie"; meta: SelfieUploadMeta; check_in_client_id: string; location_name: string; visit_id?: number }
  | { kind: "tracking.pings"; body: RecordPingsInput }
  /** The rep's own new order of a day's pending stops ("Optimise my route", offline too): PUT /plans/{me}/{date}, idempotent on client_id. */
  | { kind: "plan.put"; personnel_id: number; date: string; body: PutPlanRequest };

export type QueuedPlace = { id: number; name: string; address: string | null; lat: number; lon: number; geofence_radius: number };

export type QueueStatus = "pending" | "done" | "failed";

export type QueueItem = QueuedAction & {
  /** Replay order (IndexedDB auto-increment). */
  seq?: number;
  /** The person (personnel id) who recorded it: only their session sends it. null: recorded before version 2, owner unknown. */
  owner: number | null;
  /** The action's idempotency key (the body's client_id, or the selfie meta's). */
  client_id: string;
  status: QueueStatus;
  created_at: string;
  attempts: number;
  /** Earliest next try (exponential backoff or Retry-After), ISO. */
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  done_at: string | null;
  /** The server's message when it refused the item, or the last transient error. */
  error: { status: number | null; code: string; message: string } | null;
  /** What the server answered (visit id of a check-in, verdict…), kept for the screens. */
  result: unknown;
};
