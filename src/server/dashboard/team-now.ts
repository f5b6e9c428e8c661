import "server-only";
import type { AlertJson } from "@/contracts/alerts";
import type { TeamSummary, TeamSummaryQuery } from "@/contracts/dashboard";
import type { LiveEventJson } from "@/contracts/live-events";
import type { Ctx } from "../auth/actor";
import { openAlerts } from "../alerts/alerts.queries";
import { recentActivity } from "./activity.queries";
import { getTeamSummary, teamReps } from "./team-summary";

export type TeamNow = {
  summary: TeamSummary;
  /** The live feed's opening: recent events of the team (only when the range is today) and the resume position. */
  activity: { events: LiveEventJson[]; lastEventId: number };
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
  const [activity, alerts] = await Promise.all([recentActivity(ctx.db, team), openAlerts(ctx.db, team, ctx.now)]);
  return { summary, activity: summary.from === summary.today ? activity : { events: [], lastEventId: activity.lastEventId }, alerts };
}
