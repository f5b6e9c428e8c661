"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { dangerButton, FormStatus, secondaryButton, useClientId, type FormState } from "./form-bits";

/** Export one person's data (a JSON download) and anonymise a leaver, through the API routes (admins). */
export function PersonPrivacy({ person }: { person: { id: number; name: string; anonymised: boolean } }) {
  const router = useRouter();
  const [clientId, nextClientId] = useClientId();
  const [state, setState] = useState<FormState>(null);
  const [pending, setPending] = useState(false);
  const [confirmed, setConfirmed] = useState(false);

  async function anonymise() {
    setPending(true);
    try {
      const res = await fetch(`/api/v1/personnel/${person.id}/anonymise`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ client_id: clientId }) });
      const body = (await res.json()) as { photos_removed?: number; visits_kept?: number; error?: { message: string; field?: string } };
      if (!res.ok) {
        setState({ ok: false, message: body.error?.message ?? `Not anonymised (${res.status}).` });
        return;
      }
      nextClientId();
      setState({ ok: true, message: `Anonymised: ${body.photos_removed ?? 0} photos removed, ${body.visits_kept ?? 0} visits kept.` });
      router.refresh();
    } catch {
      setState({ ok: false, message: "No connection: nothing was changed. Try again." });
    } finally {
      setPending(false);
    }
  }

  return (
    <section aria-labelledby="privacy-h" className="flex flex-col gap-3 rounded-xl border border-slate-200 p-4">
      <h2 id="privacy-h" className="text-lg font-semibold">
        Privacy
      </h2>
      <div className="flex flex-col gap-1">
        <a href={`/api/v1/personnel/${person.id}/export`} download className={`${secondaryButton} inline-flex w-fit items-center`}>
          Export {person.name}&apos;s data (JSON)
        </a>
        <span className="text-sm text-slate-600">Profile, work days, visits, location pings and audit entries about them. The export is written to the audit log.</span>
      </div>
      {person.anonymised ? (
        <p className="text-sm text-slate-700">This person has been anonymised: their name, e-mail, phone and photos are gone; their visits stay.</p>
      ) : (
        <div className="flex flex-col gap-2">
          <p className="text-sm text-slate-600">
            For a leaver: replaces name, e-mail and phone, deletes their selfies from storage, disables sign-in and ends every session and key. Their visits
            stay for the company&apos;s records. This cannot be undone.
          </p>
          <label className="flex min-h-11 items-center gap-2">
            <input type="checkbox" className="size-5" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> I understand this cannot be undone
          </label>
          <button type="button" className={`${dangerButton} w-fit`} disabled={!confirmed || pending} onClick={() => void anonymise()}>
            {pending ? "Anonymising…" : `Anonymise ${person.name}`}
          </button>
        </div>
      )}
      <FormStatus state={state} showFieldErrors />
    </section>
  );
}
