import "server-only";
import type { AlertJson } from "@/contracts/alerts";
import type { TeamSummary, TeamSummaryQuery } from "@/contracts/dashboard";
import type { LiveEventJson } from "@/contracts/live-events";
import type { Ctx } from "../auth/actor";
import { openAlerts } from "../alerts/alerts.queries";
import { addDays, zonedInstant } from "@/lib/time";
import { recentActivity } from "./activity.queries";
import { getTeamSummary, teamReps } from "./team-summary";

export type TeamNow = {
  summary: TeamSummary;
  /** Today: the live feed's opening (recent events of the team) and the resume position. Another day: that day's own
   *  events as it ended, and no resume position (no live stream for a day that is over or has not begun). */
  activity: { events: LiveEventJson[]; lastEventId: number | null };
  live: boolean;
  alerts: AlertJson[];
};

/**
 * Team now, as every door that shows it gets it (the manager page; its live updates come over /api/v1/events): the
 * summary of the range, the team's recent activity and open alerts. Scoped here, not at the door: team.read, the
 * manager_id inside the actor's subtree (getTeamSummary), and the feed and alerts of that same team only.
 */
export async function getTeamNow(ctx: Ctx, q: TeamSummaryQuery): Promise<TeamNow> {
  const summary = await getTeamSummary(ctx, q);
  const team = teamReps(ctx, summary.manager_id);
  const live = summary.from === summary.today;
  const day = { start: zonedInstant(summary.from, 0, summary.time_zone), end: zonedInstant(addDays(summary.to, 1), 0, summary.time_zone) };
  const [activity, alerts] = await Promise.all([recentActivity(ctx.db, team, 30, live ? undefined : day), openAlerts(ctx.db, team, ctx.now)]);
  if (live) return { summary, activity, alerts, live };
  // A day that has not begun has no feed yet.
  return { summary, activity: { events: summary.from <= summary.today ? activity.events : [], lastEventId: null }, alerts, live };
}
