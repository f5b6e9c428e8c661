"use client";

import { useState } from "react";
import { SelfieCapture, type SelfieCaptureResult } from "@/components/camera/selfie-capture";
import { SELFIE_FILE_FIELD, SELFIE_META_FIELD, type SelfieUploadMeta, type SelfieUploadResult } from "@/contracts/photos";

type State = { kind: "capturing" } | { kind: "uploading" } | { kind: "done"; result: SelfieUploadResult } | { kind: "failed"; message: string };

/** Uploads a capture to POST /api/v1/visits/{id}/selfie (one client_id per capture, so a retry cannot store twice) and shows the verdict. */
export function SelfieUploader({ visitId }: { visitId: number }) {
  const [state, setState] = useState<State>({ kind: "capturing" });
  const [clientId, setClientId] = useState(() => crypto.randomUUID());

  async function upload(c: SelfieCaptureResult) {
    setState({ kind: "uploading" });
    const meta: SelfieUploadMeta = { client_id: clientId, source: c.source, capture_fix: c.captureFix, device_time: c.deviceTime, user_agent: c.userAgent };
    const form = new FormData();
    form.set(SELFIE_FILE_FIELD, c.blob, c.source === "camera" ? "selfie.jpg" : "photo");
    form.set(SELFIE_META_FIELD, JSON.stringify(meta));
    try {
      const res = await fetch(`/api/v1/visits/${visitId}/selfie`, { method: "POST", body: form });
      const body = (await res.json()) as SelfieUploadResult | { error: { message: string } };
      if (!res.ok || "error" in body) {
        setClientId(crypto.randomUUID());
        return setState({ kind: "failed", message: "error" in body ? body.error.message : `Upload failed (${res.status}).` });
      }
      setState({ kind: "done", result: body });
    } catch {
      setState({ kind: "failed", message: "No connection: the selfie was not uploaded. Try again." });
    }
  }

  if (state.kind === "done") {
    const v = state.result.validation;
    return (
      <section aria-labelledby="verdict-h" className="flex flex-col gap-2 rounded-xl border border-slate-200 p-4">
        <div role="status">
          <h2 id="verdict-h" className="text-lg font-semibold">
            Selfie saved
          </h2>
        </div>
        {/* eslint-disable-next-line @next/next/no-img-element -- signed, expiring URL from our API */}
        <img src={state.result.thumb_url} alt="Your uploaded selfie" className="max-h-48 self-start rounded-lg" />
        <p>{v.is_valid ? "The photo supports this visit." : "The photo raises questions your manager will see."} Evidence score: {state.result.evidence_score ?? "—"} / 100.</p>
        <ul aria-label="Photo flags" className="flex flex-wrap gap-1">
          {v.flags.map((f) => (
            <li key={f} className="rounded bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900">
              {f}
            </li>
          ))}
        </ul>
        <ul className="list-disc pl-5 text-sm text-slate-700">
          {v.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      </section>
    );
  }
  return (
    <div className="flex flex-col gap-3">
      <SelfieCapture onCapture={(c) => void upload(c)} confirmLabel={state.kind === "uploading" ? "Uploading…" : "Upload selfie"} busy={state.kind === "uploading"} />
      {state.kind === "failed" ? (
        <p role="alert" className="text-sm text-red-700">
          {state.message}
        </p>
      ) : null}
    </div>
  );
}
