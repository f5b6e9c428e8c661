import type { RepState } from "@/contracts/dashboard";
import { dateTimeFormat } from "@/lib/time";

/** How each state looks on the map and in lists (colour + words: colour is never the only signal). */
export const STATE_STYLE: Record<RepState, { label: string; color: string }> = {
  in_visit: { label: "In a visit", color: "#16a34a" },
  travelling: { label: "Travelling", color: "#2563eb" },
  idle: { label: "Idle", color: "#d97706" },
  not_tracked: { label: "Not tracked", color: "#dc2626" },
  day_ended: { label: "Day ended", color: "#475569" },
  day_not_started: { label: "Day not started", color: "#94a3b8" },
};

/** "5 min ago", "3 h ago", "2 d ago". */
export function ago(iso: string, now: number): string {
  const min = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  if (min < 1) return "just now";
  if (min < 60) return `${min} min ago`;
  if (min < 48 * 60) return `${Math.round(min / 60)} h ago`;
  return `${Math.round(min / 1440)} d ago`;
}

export function formatClock(iso: string, timeZone: string): string {
  return dateTimeFormat("en-IN", { timeZone, hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date(iso));
}
