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

/** Colours that tell reps apart on the map (white initials stay readable on each); they repeat past ten reps, the initials do not. */
const REP_PALETTE = ["#1d4ed8", "#b91c1c", "#047857", "#7c3aed", "#c2410c", "#0e7490", "#be185d", "#4d7c0f", "#a16207", "#334155"] as const;

/** A rep's colour by their place in the team's list (stable for the page: the list is sorted by name). */
export const repColor = (index: number): string => REP_PALETTE[index % REP_PALETTE.length]!;

/** "Asha Rao" → "AR"; "Madhu" → "MA": two letters, so two reps sharing a first letter still differ. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length >= 2) return (words[0]!.slice(0, 1) + words.at(-1)!.slice(0, 1)).toUpperCase();
  return (words[0] ?? "?").slice(0, 2).toUpperCase();
}
