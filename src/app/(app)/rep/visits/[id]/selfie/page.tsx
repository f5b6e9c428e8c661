import type { Metadata } from "next";
import Link from "next/link";
import { SelfieUploader } from "@/components/rep/selfie-uploader";
import { pageCtx, requirePageActor } from "@/server/auth/page-guard";
import { orNotFound, pageId } from "@/server/http/page";
import { getOwnVisitForSelfie } from "@/server/photos/photos.queries";
import { orgToday } from "@/server/team/team.queries";
import { formatDateTime } from "../../../../visit-status";

export const metadata: Metadata = { title: "Add selfie" };

/** Online "Add selfie to this visit": the capture component, uploaded straight to the API (the offline PWA queues it instead). */
export default async function AddSelfiePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor(["rep", "manager"]);
  const id = pageId((await params).id);
  const ctx = await pageCtx(actor);
  const visit = await orNotFound(getOwnVisitForSelfie(ctx, id));
  const { timeZone } = await orgToday(ctx);
  return (
    <div className="mx-auto flex max-w-xl flex-col gap-4">
      <div>
        <Link href="/rep" className="inline-flex min-h-11 items-center text-sm text-brand-700 underline">
          ← Today
        </Link>
        <h1 className="text-2xl font-bold">Add selfie to this visit</h1>
        <p className="text-slate-600">
          {visit.location_name} · checked in {formatDateTime(visit.check_in_time, timeZone)}
          {visit.check_out_time ? ` · checked out ${formatDateTime(visit.check_out_time, timeZone)}` : ""}
        </p>
      </div>
      {visit.has_selfie ? <p role="status">This visit already has its selfie.</p> : <SelfieUploader visitId={visit.id} />}
    </div>
  );
}
