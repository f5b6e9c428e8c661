import { dateTimeFormat } from "@/lib/time";

/** A visit's geofence verdict as a labelled badge (text, not colour alone). */
export function VisitStatus({ status, checkedIn, checkedOut }: { status: string | null; checkedIn: boolean; checkedOut: boolean }) {
  if (!checkedIn) return <span className="rounded bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700">Not visited</span>;
  const tone = status === "VALID" ? "bg-green-100 text-green-800" : status === "WARNING" ? "bg-amber-100 text-amber-900" : status === "INVALID" ? "bg-red-100 text-red-800" : "bg-slate-100 text-slate-700";
  return (
    <span className={`rounded px-2 py-0.5 text-xs font-medium ${tone}`}>
      {status ?? "Unchecked"}
      {checkedOut ? "" : " · open"}
    </span>
  );
}

export function formatTime(iso: string | null, timeZone: string): string {
  if (!iso) return "—";
  return dateTimeFormat("en-IN", { timeZone, hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}

export function formatDateTime(iso: string | null, timeZone: string): string {
  if (!iso) return "—";
  return dateTimeFormat("en-IN", { timeZone, day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}
