"use client";
import { useState } from "react";
import { useHydrated } from "@/lib/use-hydrated";

type Format = "csv" | "xlsx" | "pdf";

/**
 * Download buttons: the file is fetched (with the session cookie) and counted while it streams, so a big report
 * shows its progress instead of a frozen button; then it is saved under the server's file name.
 */
export function ReportDownloads({ query }: { query: string }) {
  const [busy, setBusy] = useState<{ format: Format; bytes: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const hydrated = useHydrated(); // the download is JavaScript: disabled until then, so an early click is not lost

  async function download(format: Format) {
    setError(null);
    setBusy({ format, bytes: 0 });
    try {
      const res = await fetch(`/api/v1/reports/visits?${query}&format=${format}`, { credentials: "same-origin" });
      if (!res.ok || !res.body) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? `The server answered ${res.status}.`);
      }
      const reader = res.body.getReader();
      const parts: Uint8Array<ArrayBuffer>[] = [];
      let bytes = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value as Uint8Array<ArrayBuffer>);
        bytes += value.byteLength;
        setBusy({ format, bytes });
      }
      const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? `report.${format}`;
      const url = URL.createObjectURL(new Blob(parts, { type: res.headers.get("content-type") ?? "application/octet-stream" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="flex flex-wrap items-center gap-2">
      {(["csv", "xlsx", "pdf"] as const).map((f) => (
        <button
          key={f}
          type="button"
          onClick={() => void download(f)}
          disabled={busy !== null || !hydrated}
          className="min-h-11 rounded-lg border border-brand-700 px-4 font-medium text-brand-700 hover:bg-brand-50 disabled:opacity-50"
        >
          Download {f.toUpperCase()}
        </button>
      ))}
      <span role="status" aria-live="polite" className="text-sm text-slate-600">
        {busy ? `Preparing ${busy.format.toUpperCase()}… ${(busy.bytes / 1024).toFixed(0)} KB received` : ""}
      </span>
      {error ? (
        <p role="alert" className="w-full text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
