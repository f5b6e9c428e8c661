"use client";

import type { ButtonHTMLAttributes, ReactNode } from "react";
import type { StopStatus } from "@/contracts/plans";
import type { Fix, LocStatus } from "./use-location";

/** Big, high-contrast, thumb-sized buttons (≥ 48 px): the rep uses them outdoors, one-handed. */
export function Btn({ tone = "primary", className = "", ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { tone?: "primary" | "secondary" | "danger" }) {
  const tones = {
    primary: "bg-brand-700 text-white hover:bg-brand-900 disabled:bg-slate-400",
    secondary: "border-2 border-slate-800 bg-white text-slate-900 hover:bg-slate-100 disabled:opacity-60",
    danger: "bg-red-700 text-white hover:bg-red-800 disabled:bg-slate-400",
  };
  return <button type="button" className={`min-h-12 rounded-xl px-4 text-base font-semibold ${tones[tone]} ${className}`} {...props} />;
}

export function Card({ children, className = "" }: { children: ReactNode; className?: string }) {
  return <div className={`rounded-xl border border-slate-300 bg-white p-3 ${className}`}>{children}</div>;
}

const STOP_LABEL: Record<StopStatus, [string, string]> = {
  PENDING: ["Not visited", "bg-slate-100 text-slate-800"],
  IN_PROGRESS: ["Checked in", "bg-amber-100 text-amber-900"],
  DONE: ["Done", "bg-green-100 text-green-900"],
};
export function StopBadge({ status }: { status: StopStatus }) {
  const [label, tone] = STOP_LABEL[status];
  return <span className={`shrink-0 rounded px-2 py-0.5 text-sm font-semibold ${tone}`}>{label}</span>;
}

export function VerdictBadge({ status }: { status: string | null | undefined }) {
  const tone = status === "VALID" ? "bg-green-700" : status === "WARNING" ? "bg-amber-600" : status === "INVALID" ? "bg-red-700" : "bg-slate-600";
  return <span className={`rounded px-2 py-0.5 text-sm font-bold text-white ${tone}`}>{status ?? "Pending"}</span>;
}

function age(t: number): string {
  const s = Math.max(0, Math.round((Date.now() - t) / 1000));
  return s < 90 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

const STATUS_TEXT: Record<LocStatus, string> = {
  idle: "No fix yet",
  locating: "Finding your position…",
  ok: "",
  denied: "Location is blocked for this site",
  unavailable: "Position unavailable",
  timeout: "No fix in time; try again in the open",
  unsupported: "This browser has no location",
};

/** A map pin drawn as SVG: an emoji needs an emoji font, which many phones' WebViews and headless Chromium lack (a tofu box). */
function PinIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" className="mr-1 inline-block h-4 w-4 align-[-2px]" fill="currentColor">
      <path d="M12 2a7 7 0 0 0-7 7c0 5.25 7 13 7 13s7-7.75 7-13a7 7 0 0 0-7-7Zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5Z" />
    </svg>
  );
}

/** Accuracy and age of the fix, always shown: the rep sees how much the position can be trusted. */
export function FixBadge({ fix, status }: { fix: Fix | null; status: LocStatus }) {
  return (
    <p className="text-sm text-slate-800" aria-live="polite" data-testid="fix">
      {fix && status !== "locating" ? (
        <>
          <PinIcon />±{Math.round(fix.accuracy_m)} m · {age(fix.t)}
          {fix.accuracy_m > 100 ? " · coarse" : ""}
        </>
      ) : (
        STATUS_TEXT[status]
      )}
    </p>
  );
}

/** How to turn location or the camera back on after "Block" (the browser never asks twice). */
export function PermissionHelp({ what }: { what: "location" | "camera" }) {
  return (
    <div role="alert" className="rounded-xl border-2 border-red-700 bg-red-50 p-3 text-sm text-red-950">
      <p className="font-semibold">{what === "location" ? "Location is blocked" : "The camera is blocked"}</p>
      <p>
        Android Chrome: tap the icon left of the address (or ⋮ → Settings → Site settings → {what === "location" ? "Location" : "Camera"}) and choose Allow. iPhone: Settings →
        Safari (or the home-screen app) → {what === "location" ? "Location" : "Camera"} → Allow. Then come back and try again.
      </p>
    </div>
  );
}
