import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { queryRows } from "../db/client";
import { signPhotoKeys } from "../photos/photo-urls";
import type { SelfieMetadata } from "../photos/selfie-metadata";
import { isSelfieRequired } from "../photos/selfie-policy";
import { getVisit } from "./visits.queries";
import type { VisitReview } from "@/contracts/visit-review";
import type { VisitDetailResponse } from "@/contracts/visits";

export type VisitEvidence = VisitDetailResponse & {
  person: { id: number; name: string };
  location: { id: number; name: string; address: string | null; type: string | null; lat: number; lon: number; radius: number };
  photo: (Omit<SelfieMetadata, "original_key" | "display_key" | "thumb_key"> & { display_url: string | null; thumb_url: string | null; urls_expire_at: string | null }) | null;
  selfie_required: boolean;
  reviews: VisitReview[];
};

/**
 * Everything a manager needs to judge a visit, in one place: the visit and its validation rows (scoped by getVisit:
 * out of scope is 404), the person and location, the photo with fresh signed URLs, and the manual reviews, newest first.
 */
export async function getVisitEvidence(ctx: Ctx, visitId: number): Promise<VisitEvidence> {
  requirePermission(ctx.actor, "visits.read");
  const detail = await getVisit(ctx, visitId);
  const [row] = await queryRows<{ person_name: string; loc_name: string; address: string | null; location_type: string | null; lat: number; lon: number; radius: number; meta: SelfieMetadata | null }>(
    ctx.db,
    sql`SELECT p.name AS person_name, l.name AS loc_name, l.address, l.location_type, ST_Y(l.coordinates::geometry) AS lat, ST_X(l.coordinates::geometry) AS lon,
               l.geofence_radius AS radius, v.selfie_metadata AS meta
        FROM visits v JOIN personnel p ON p.id = v.personnel_id JOIN locations l ON l.id = v.location_id WHERE v.id = ${visitId}`,
  );
  if (!row) throw new Error(`visit ${visitId} lost its person or location`);
  const meta = typeof row.meta === "string" ? (JSON.parse(row.meta) as SelfieMetadata) : row.meta;
  let photo: VisitEvidence["photo"] = null;
  if (meta?.client_id) {
    const { original_key: _o, display_key, thumb_key, ...rest } = meta;
    const urls = display_key && thumb_key && !meta.deleted_at ? await signPhotoKeys(display_key, thumb_key, ctx.now) : { display_url: null, thumb_url: null, urls_expire_at: null };
    photo = { ...rest, ...urls };
  }
  const reviews: VisitReview[] = detail.validations
    .filter((v) => v.validation_type === "MANUAL" && v.details)
    .map((v) => ({
      id: v.id,
      visit_id: visitId,
      decision: (v.details!.decision === "APPROVED" ? "APPROVED" : "REJECTED") as VisitReview["decision"],
      comment: String(v.details!.comment ?? ""),
      reviewer_id: Number(v.details!.reviewer_id),
      reviewer_name: String(v.details!.reviewer_name ?? ""),
      reviewed_at: v.validated_at,
    }))
    .reverse();
  return {
    ...detail,
    person: { id: detail.visit.personnel_id, name: row.person_name },
    location: { id: detail.visit.location_id, name: row.loc_name, address: row.address, type: row.location_type, lat: Number(row.lat), lon: Number(row.lon), radius: Number(row.radius) },
    photo,
    selfie_required: await isSelfieRequired(ctx.db, row.location_type),
    reviews,
  };
}
