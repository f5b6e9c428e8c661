"use client";

import { useState } from "react";

/** A generated password, shown this once: the server keeps only its hash. */
export function SecretOnce({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex flex-col gap-2 rounded-lg border border-green-300 bg-green-50 p-3">
      <p className="font-medium">{label}: give it to the person now. It will not be shown again.</p>
      <div className="flex flex-wrap items-center gap-2">
        <code data-testid="temporary-password" className="rounded bg-white px-2 py-1 font-mono">
          {value}
        </code>
        <button
          type="button"
          className="min-h-11 rounded-lg border border-green-400 px-3 font-medium"
          onClick={() => navigator.clipboard.writeText(value).then(() => setCopied(true), () => undefined)}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </div>
  );
}
