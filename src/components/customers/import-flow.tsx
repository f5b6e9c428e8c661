"use client";

import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import { CSV_TEMPLATE, type ImportResult } from "@/contracts/locations";
import { inputClass, primaryButton, secondaryButton } from "../admin/form-bits";
import { ImportPreview } from "./import-preview";
import { downloadText, uploadCsv, type UploadProgress } from "./import-upload";

type Step =
  | { kind: "choose" }
  | { kind: "checking"; progress: UploadProgress }
  | { kind: "preview"; result: ImportResult }
  | { kind: "committing"; result: ImportResult; progress: UploadProgress }
  | { kind: "done"; result: ImportResult };

const progressText = (p: UploadProgress, what: string) => (p.phase === "uploading" ? `Uploading the file: ${p.percent} %` : `${what}…`);

/**
 * The import, in the order an admin trusts: choose a CSV → a dry run (counts, the row errors, a map of the valid rows;
 * nothing written) → commit with progress → a summary. The same endpoint as the API, so the rules are the server's.
 */
export function ImportFlow() {
  const [file, setFile] = useState<File | null>(null);
  const [step, setStep] = useState<Step>({ kind: "choose" });
  const [failure, setFailure] = useState<string | null>(null);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const fileHelp = useId();
  const doneHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (step.kind === "done") doneHeading.current?.focus();
  }, [step.kind]);
  const busy = step.kind === "checking" || step.kind === "committing";

  async function check() {
    if (!file) {
      setFailure("Choose a CSV file first.");
      inputRef.current?.focus();
      return;
    }
    setFailure(null);
    setSkipInvalid(false);
    setStep({ kind: "checking", progress: { phase: "uploading", percent: 0 } });
    const res = await uploadCsv(file, { dryRun: true, skipInvalid: false }, (progress) => setStep({ kind: "checking", progress }));
    if (res.ok) setStep({ kind: "preview", result: res.data });
    else {
      setFailure(res.message);
      setStep({ kind: "choose" });
    }
  }

  async function commit(preview: ImportResult) {
    if (!file) return;
    setFailure(null);
    setStep({ kind: "committing", result: preview, progress: { phase: "uploading", percent: 0 } });
    const res = await uploadCsv(file, { dryRun: false, skipInvalid }, (progress) => setStep({ kind: "committing", result: preview, progress }));
    if (res.ok && res.data.committed) setStep({ kind: "done", result: res.data });
    else if (res.ok) {
      // The file changed between the check and the commit (or others' edits made rows invalid): show the new check.
      setFailure("Nothing was imported: the file has invalid rows. See the check below.");
      setStep({ kind: "preview", result: res.data });
    } else {
      setFailure(`Nothing was imported: ${res.message}`);
      setStep({ kind: "preview", result: preview });
    }
  }

  const status =
    step.kind === "checking"
      ? progressText(step.progress, "Checking every row")
      : step.kind === "committing"
        ? progressText(step.progress, "Importing: writing the customers in one transaction")
        : step.kind === "preview"
          ? `Checked ${step.result.total_rows} rows: ${step.result.invalid} invalid. Nothing is written yet.`
          : step.kind === "done"
            ? "Import finished."
            : "";

  return (
    <div className="flex flex-col gap-6">
      <section aria-labelledby="imp-file-h" className="flex flex-col gap-3 rounded-xl border border-slate-200 p-4">
        <h2 id="imp-file-h" className="text-lg font-semibold">
          1. Choose the file
        </h2>
        <form
          aria-label="Check a customers file"
          className="flex flex-col gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            void check();
          }}
        >
          <label className="flex flex-col gap-1 font-medium">
            CSV file
            <input
              ref={inputRef}
              name="file"
              type="file"
              accept=".csv,text/csv"
              className={`${inputClass} py-2`}
              aria-describedby={fileHelp}
              disabled={busy}
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                setStep({ kind: "choose" });
                setFailure(null);
              }}
            />
          </label>
          <p id={fileHelp} className="text-sm text-slate-600">
            Save it from your spreadsheet as CSV UTF-8, at most 20 MB. The first line names the columns (see the template). Checking writes nothing.
          </p>
          <div className="flex flex-wrap items-center gap-3">
            <button type="submit" className={primaryButton} disabled={busy}>
              {step.kind === "preview" || step.kind === "done" ? "Check the file again" : "Check file"}
            </button>
            <button type="button" className={secondaryButton} onClick={() => downloadText("fieldbeat-customers-template.csv", CSV_TEMPLATE)}>
              Download template CSV
            </button>
          </div>
        </form>
        <div role="status" aria-live="polite" className="flex flex-col gap-2 text-sm" data-testid="import-status">
          {status ? <p>{status}</p> : null}
          {busy ? (
            <progress
              className="h-2 w-full max-w-md"
              aria-label={step.kind === "checking" ? "Checking progress" : "Import progress"}
              {...(step.progress.phase === "uploading" ? { value: step.progress.percent, max: 100 } : {})}
            />
          ) : null}
        </div>
        {failure ? (
          <p role="alert" className="rounded-lg bg-red-50 p-3 text-sm text-red-800">
            {failure}
          </p>
        ) : null}
      </section>

      {step.kind === "preview" || step.kind === "committing" ? (
        <ImportPreview result={step.result} fileName={file?.name ?? "customers.csv"}>
          <section aria-labelledby="imp-commit-h" className="flex flex-col gap-3 rounded-xl border border-slate-200 p-4">
            <h2 id="imp-commit-h" className="text-lg font-semibold">
              3. Import
            </h2>
            {step.result.invalid > 0 ? (
              <>
                <p className="text-sm">
                  Fix the {step.result.invalid} invalid row{step.result.invalid === 1 ? "" : "s"} in your file and check it again, or import only the valid rows (the invalid ones are left out and
                  listed in the error CSV).
                </p>
                <label className="flex min-h-11 items-center gap-2 font-medium">
                  <input type="checkbox" className="size-5" checked={skipInvalid} onChange={(e) => setSkipInvalid(e.target.checked)} disabled={busy} />
                  Skip the invalid rows and import the rest
                </label>
              </>
            ) : (
              <p className="text-sm">Every row is valid. The import is one transaction: all of it is written, or nothing.</p>
            )}
            <div>
              <button type="button" className={primaryButton} disabled={busy || (step.result.invalid > 0 && !skipInvalid)} onClick={() => void commit(step.result)}>
                {step.kind === "committing" ? "Importing…" : `Import ${step.result.created + step.result.updated + step.result.unchanged} rows`}
              </button>
            </div>
          </section>
        </ImportPreview>
      ) : null}

      {step.kind === "done" ? (
        <section aria-labelledby="imp-done-h" className="flex flex-col gap-3 rounded-xl border border-green-300 bg-green-50 p-4" data-testid="import-summary">
          <h2 id="imp-done-h" className="text-lg font-semibold" tabIndex={-1} ref={doneHeading}>
            Imported
          </h2>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
            <dt>Created</dt>
            <dd>{step.result.created}</dd>
            <dt>Updated</dt>
            <dd>{step.result.updated}</dd>
            <dt>Unchanged</dt>
            <dd>{step.result.unchanged}</dd>
            <dt>Skipped (invalid)</dt>
            <dd>{step.result.invalid}</dd>
          </dl>
          <Link href="/manager/customers" className="inline-flex min-h-11 items-center font-medium underline">
            See the customers
          </Link>
        </section>
      ) : null}
    </div>
  );
}
