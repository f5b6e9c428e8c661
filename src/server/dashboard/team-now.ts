import "server-only";
import type { AlertJson } from "@/contracts/alerts";
import type { TeamSummary, TeamSummaryQuery } from "@/contracts/dashboard";
import type { LiveEventJson } from "@/contracts/live-events";
import type { Ctx } from "../auth/actor";
import { alertsRaisedBetween, openAlerts } from "../alerts/alerts.queries";
import { addDays, zonedInstant } from "@/lib/time";
import { recentActivity } from "./activity.queries";
import { getTeamSummary, teamReps } from "./team-summary";

export type TeamNow = {
  summary: TeamSummary;
  /** Today: the live feed's opening (recent events of the team) and the resume position. Another day: that day's own
   *  events as it ended, and no resume position (no live stream for a day that is over or has not begun). */
  activity: { events: LiveEventJson[]; lastEventId: number | null };
  live: boolean;
  /** Today: the team's open alerts (kept current live). Another day: the alerts raised that day, each with its status
   *  (acknowledged when and by whom, or still open); none for a day that has not begun. */
  alerts: AlertJson[];
};

/**
 * Team now, as every door that shows it gets it (the manager page; its live updates come over /api/v1/events): the
 * summary of the range, the team's recent activity and alerts (today: the open ones; a past day: that day's). Scoped here, not at the door: team.read, the
 * manager_id inside the actor's subtree (getTeamSummary), and the feed and alerts of that same team only.
 */
export async function getTeamNow(ctx: Ctx, q: TeamSummaryQuery): Promise<TeamNow> {
  const summary = await getTeamSummary(ctx, q);
  const team = teamReps(ctx, summary.manager_id);
  const live = summary.from === summary.today;
  const day = { start: zonedInstant(summary.from, 0, summary.time_zone), end: zonedInstant(addDays(summary.to, 1), 0, summary.time_zone) };
  if (live) {
    const [activity, alerts] = await Promise.all([recentActivity(ctx.db, team, 30), openAlerts(ctx.db, team, ctx.now)]);
    return { summary, activity, alerts, live };
  }
  // A day that has not begun has no feed and no alerts yet.
  if (summary.from > summary.today) return { summary, activity: { events: [], lastEventId: null }, alerts: [], live };
  const [activity, alerts] = await Promise.all([recentActivity(ctx.db, team, 30, day), alertsRaisedBetween(ctx.db, team, day.start, day.end)]);
  return { summary, activity: { events: activity.events, lastEventId: null }, alerts, live };
}
