import type { Metadata } from "next";
import Link from "next/link";
import { Fact, Flags, FixesTable, Reasons } from "@/components/manager/visit-evidence-parts";
import { VisitMap } from "@/components/manager/visit-map";
import { VisitReviewForm } from "@/components/manager/visit-review-form";
import { CloseVisitForm } from "@/components/manager/close-visit-form";
import { pageCtx, requirePageActor } from "@/server/auth/page-guard";
import { orNotFound, pageId } from "@/server/http/page";
import { orgToday } from "@/server/team/team.queries";
import { getVisitEvidence } from "@/server/visits/visit-evidence.queries";
import { formatDateTime, VisitStatus } from "../../../visit-status";

export const metadata: Metadata = { title: "Visit evidence" };

/** One visit's evidence in one place: fixes, verdicts, photo, EXIF, flags with reasons, score, and the manual review. */
export default async function VisitEvidencePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor(["manager", "admin"]);
  const id = pageId((await params).id);
  const ctx = await pageCtx(actor);
  const ev = await orNotFound(getVisitEvidence(ctx, id));
  const { timeZone } = await orgToday(ctx);
  const { visit: v, location: loc, photo } = ev;
  const gps = (phase: string) => ev.validations.find((x) => x.validation_type === "GPS" && x.details?.phase === phase);
  const photoRow = ev.validations.findLast((x) => x.validation_type === "PHOTO");
  const latest = ev.reviews[0];
  return (
    <div className="flex flex-col gap-6">
      <div>
        <Link href={`/manager/reps/${ev.person.id}`} className="inline-flex min-h-11 items-center text-sm text-brand-700 underline">
          ← {ev.person.name}
        </Link>
        <h1 className="text-2xl font-bold">Visit to {loc.name}</h1>
        <p className="text-slate-600">
          {ev.person.name} · {formatDateTime(v.check_in_time, timeZone)}
          {v.duration_minutes !== null ? ` · ${v.duration_minutes} min` : ""}
          {v.outcome ? ` · ${v.outcome}` : ""}
        </p>
      </div>
      <section aria-labelledby="summary-h" className="flex flex-col gap-3 rounded-xl border border-slate-200 p-4">
        <h2 id="summary-h" className="text-lg font-semibold">Summary</h2>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
          <Fact label="Verdict"><VisitStatus status={v.validation_status} checkedIn={!!v.check_in_time} checkedOut={!!v.check_out_time} /></Fact>
          <Fact label="Evidence score"><span className="text-xl font-bold" data-testid="evidence-score">{v.evidence_score ?? "—"}</span> / 100</Fact>
          <Fact label="Location">{loc.type ?? "—"} · radius {loc.radius} m<br /><span className="font-mono text-xs">{loc.lat.toFixed(6)}, {loc.lon.toFixed(6)}</span></Fact>
          <Fact label="Review">{latest ? `${latest.decision === "APPROVED" ? "Approved" : "Rejected"} by ${latest.reviewer_name}` : "Not reviewed"}</Fact>
        </dl>
        <Flags flags={v.flags} />
      </section>
      <section aria-labelledby="fixes-h" className="flex flex-col gap-2">
        <h2 id="fixes-h" className="text-lg font-semibold">Position evidence</h2>
        <VisitMap
          location={{ lat: loc.lat, lon: loc.lon, name: loc.name, radius: loc.radius }}
          checkIn={v.check_in_lat !== null && v.check_in_lon !== null ? { lat: v.check_in_lat, lon: v.check_in_lon, accuracy: v.check_in_accuracy_m } : null}
          checkOut={v.check_out_lat !== null && v.check_out_lon !== null ? { lat: v.check_out_lat, lon: v.check_out_lon, accuracy: v.check_out_accuracy_m } : null}
          captureFix={photo?.capture_fix ? { lat: photo.capture_fix.lat, lon: photo.capture_fix.lon, accuracy: photo.capture_fix.accuracy_m } : null}
        />
        <FixesTable
          rows={[
            { phase: "Check-in", time: formatDateTime(v.check_in_time, timeZone), lat: v.check_in_lat, lon: v.check_in_lon, accuracy: v.check_in_accuracy_m, validation: gps("check_in") },
            ...(v.check_out_time ? [{ phase: "Check-out", time: formatDateTime(v.check_out_time, timeZone), lat: v.check_out_lat, lon: v.check_out_lon, accuracy: v.check_out_accuracy_m, validation: gps("check_out") }] : []),
          ]}
        />
      </section>
      <section aria-labelledby="photo-h" className="flex flex-col gap-3">
        <h2 id="photo-h" className="text-lg font-semibold">Selfie</h2>
        {!photo ? (
          <p className={ev.selfie_required ? "text-red-700" : "text-slate-600"}>{ev.selfie_required ? "No selfie, though this location type requires one (NO_SELFIE)." : "No selfie (optional at this location type)."}</p>
        ) : (
          <div className="flex flex-col gap-4 sm:flex-row">
            {photo.thumb_url && photo.display_url ? (
              <a href={photo.display_url} target="_blank" rel="noopener" className="shrink-0">
                {/* A signed, expiring URL served by our own route: next/image's optimiser would cache it past its expiry. */}
                {/* eslint-disable-next-line @next/next/no-img-element */}
                <img src={photo.thumb_url} alt={`Selfie of ${ev.person.name} at ${loc.name}`} className="max-h-60 rounded-lg border border-slate-200" data-testid="selfie-thumb" />
              </a>
            ) : (
              <p className="text-slate-600">Photo deleted by the retention policy{photo.deleted_at ? ` on ${formatDateTime(photo.deleted_at, timeZone)}` : ""}.</p>
            )}
            <div className="flex flex-col gap-2">
              <dl className="grid grid-cols-2 gap-3">
                <Fact label="Source">{photo.source === "camera" ? "Live camera capture" : "File picker (weaker evidence)"}</Fact>
                <Fact label="Received">{formatDateTime(photo.received_at, timeZone)}</Fact>
                <Fact label="Capture fix">{photo.capture_fix ? `${photo.capture_fix.lat.toFixed(6)}, ${photo.capture_fix.lon.toFixed(6)} ±${photo.capture_fix.accuracy_m} m` : "none"}</Fact>
                <Fact label="Camera">{[photo.exif.make, photo.exif.model].filter(Boolean).join(" ") || "—"}</Fact>
                <Fact label="EXIF time">{photo.exif.date_time_original ?? "—"}{photo.exif.offset_time_original ? ` ${photo.exif.offset_time_original}` : ""}</Fact>
                <Fact label="EXIF GPS">{photo.exif.gps ? `${photo.exif.gps.lat.toFixed(6)}, ${photo.exif.gps.lon.toFixed(6)}` : "none"}</Fact>
              </dl>
              <Flags flags={photo.validation.flags} />
              <Reasons reasons={photoRow?.details?.reasons ?? photo.validation.reasons} />
            </div>
          </div>
        )}
      </section>
      {ev.reviews.length > 0 ? (
        <section aria-labelledby="history-h" className="flex flex-col gap-2">
          <h2 id="history-h" className="text-lg font-semibold">Reviews</h2>
          <ul className="flex flex-col gap-1">
            {ev.reviews.map((r) => (
              <li key={r.id} className="border-b border-slate-100 py-2 text-sm">
                <span className="font-medium">{r.decision === "APPROVED" ? "Approved" : "Rejected"}</span> by {r.reviewer_name}, {formatDateTime(r.reviewed_at, timeZone)}
                {r.comment ? `: “${r.comment}”` : ""}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {v.check_in_time && !v.check_out_time ? <CloseVisitForm visitId={v.id} /> : null}
      {ev.person.id !== actor.id ? <VisitReviewForm visitId={v.id} /> : null}
    </div>
  );
}
