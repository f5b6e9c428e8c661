import type { ImportError, ImportResult } from "@/contracts/locations";

export type UploadProgress = { phase: "uploading"; percent: number } | { phase: "processing" };
export type UploadAnswer = { ok: true; data: ImportResult } | { ok: false; message: string; field?: string };

/**
 * Sends the file to POST /api/v1/locations/import (the session cookie; same-origin) as multipart/form-data.
 * XMLHttpRequest rather than fetch: only it reports upload progress, which a 20 MB file on a slow link needs.
 */
export function uploadCsv(file: File, opts: { dryRun: boolean; skipInvalid: boolean }, onProgress: (p: UploadProgress) => void): Promise<UploadAnswer> {
  const qs = new URLSearchParams({ dry_run: String(opts.dryRun), ...(opts.skipInvalid ? { skip_invalid: "true" } : {}) });
  const form = new FormData();
  form.set("file", file, file.name);
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/v1/locations/import?${qs}`);
    xhr.responseType = "json";
    xhr.upload.onprogress = (e) => onProgress(e.lengthComputable ? { phase: "uploading", percent: Math.round((e.loaded / e.total) * 100) } : { phase: "uploading", percent: 0 });
    xhr.upload.onload = () => onProgress({ phase: "processing" });
    xhr.onload = () => {
      const body = xhr.response as ImportResult | { error?: { message?: string; field?: string } } | null;
      if (xhr.status === 200 && body && "committed" in body) resolve({ ok: true, data: body });
      else {
        const err = body && "error" in body ? body.error : undefined;
        resolve({ ok: false, message: err?.message ?? `The server answered ${xhr.status}.`, field: err?.field });
      }
    };
    xhr.onerror = () => resolve({ ok: false, message: "The upload failed: check your connection and try again." });
    xhr.send(form);
  });
}

/** One CSV cell: quoted when needed, and a leading = + - @ neutralised so a spreadsheet never runs it as a formula. */
function cell(v: string | number | null): string {
  let s = v === null ? "" : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The error report offered for download: one line per row error, in file order. */
export function errorsCsv(errors: ImportError[]): string {
  const lines = [["row", "column", "code", "message"].join(",")];
  for (const e of errors) lines.push([e.row, e.column, e.code, e.message].map(cell).join(","));
  return lines.join("\r\n") + "\r\n";
}

/** A download of generated text (the browser saves it; nothing is sent anywhere). */
export function downloadText(name: string, text: string, type = "text/csv;charset=utf-8") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
