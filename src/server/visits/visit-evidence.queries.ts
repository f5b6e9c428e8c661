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
import type { VisitDetailResponse, VisitWithPhotoResponse } from "@/contracts/visits";
import type { VisitPhoto } from "@/contracts/photos";

export type VisitEvidence = VisitDetailResponse & {
  person: { id: number; name: string };
  location: { id: number; name: string; address: string | null; type: string | null; lat: number; lon: number; radius: number };
  photo: (Omit<SelfieMetadata, "original_key" | "display_key" | "thumb_key"> & { display_url: string | null; thumb_url: string | null; urls_expire_at: string | null }) | null;
  selfie_required: boolean;
  reviews: VisitReview[];
};

type EvidencePhoto = NonNullable<VisitEvidence["photo"]>;

/** A visit's stored selfie metadata without its storage keys, with fresh signed URLs (null ones once retention deleted the files). */
async function selfieWithUrls(raw: SelfieMetadata | string | null, now: Date): Promise<EvidencePhoto | null> {
  const meta = typeof raw === "string" ? (JSON.parse(raw) as SelfieMetadata) : raw;
  if (!meta?.client_id) return null;
  const { original_key: _o, display_key, thumb_key, ...rest } = meta;
  const urls = display_key && thumb_key && !meta.deleted_at ? await signPhotoKeys(display_key, thumb_key, now) : { display_url: null, thumb_url: null, urls_expire_at: null };
  return { ...rest, ...urls };
}

/**
 * `GET /api/v1/visits/{id}`: the visit and its validations (getVisit: scoped, out of scope is 404) with its selfie's
 * upload facts and signed URLs, as the evidence page has them.
 */
export async function getVisitWithPhoto(ctx: Ctx, visitId: number): Promise<VisitWithPhotoResponse> {
  const detail = await getVisit(ctx, visitId);
  const [row] = await queryRows<{ meta: SelfieMetadata | string | null }>(ctx.db, sql`SELECT selfie_metadata AS meta FROM visits WHERE id = ${visitId}`);
  const p = await selfieWithUrls(row?.meta ?? null, ctx.now);
  const photo: VisitPhoto | null = p
    ? { client_id: p.client_id, source: p.source, content_type: p.content_type, bytes: p.bytes, width: p.width, height: p.height, received_at: p.received_at, exif: p.exif, display_url: p.display_url, thumb_url: p.thumb_url, urls_expire_at: p.urls_expire_at }
    : null;
  return { ...detail, photo };
}

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
  const photo = await selfieWithUrls(row.meta, ctx.now);
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
