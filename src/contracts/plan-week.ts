import type { BeatJson } from "./beats";

/** The manager's Plans page (src/server/plans/plan-week.ts → components/manager/plans-board.tsx). */
export type PlanWeekCell = { stops: number; visited: number; source: "none" | "beat" | "manual" };
export type PlanWeekRep = { id: number; name: string; beats: BeatJson[]; days: Record<string, PlanWeekCell> };
export type PlanCustomer = { id: number; name: string; address: string | null; lat: number; lon: number };
export type PlanWeek = { today: string; from: string; dates: string[]; time_zone: string; reps: PlanWeekRep[]; customers: PlanCustomer[] };
