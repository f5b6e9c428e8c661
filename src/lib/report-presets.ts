import { addDays, isoWeekday } from "./time";

export const PRESETS = ["today", "yesterday", "this_week", "last_week", "last_30_days", "custom"] as const;
export type Preset = (typeof PRESETS)[number];
export const PRESET_LABELS: Record<Preset, string> = {
  today: "Today",
  yesterday: "Yesterday",
  this_week: "This week",
  last_week: "Last week",
  last_30_days: "Last 30 days",
  custom: "Custom",
};

/** The org-local days of a preset, given the org's today (weeks start on Monday). */
export function presetRange(p: Exclude<Preset, "custom">, today: string): { from: string; to: string } {
  const monday = addDays(today, 1 - isoWeekday(today));
  switch (p) {
    case "today":
      return { from: today, to: today };
    case "yesterday":
      return { from: addDays(today, -1), to: addDays(today, -1) };
    case "this_week":
      return { from: monday, to: today };
    case "last_week":
      return { from: addDays(monday, -7), to: addDays(monday, -1) };
    case "last_30_days":
      return { from: addDays(today, -29), to: today };
  }
}
