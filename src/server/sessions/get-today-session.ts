import "server-only";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { localDate } from "@/lib/time";
import { orgTimeZone } from "../visits/plausibility";
import { loadOpenVisit, loadSessionByDate } from "./sessions.queries";
import type { TodaySessionResponse } from "@/contracts/sessions";

/** The actor's session for today in the organisation's time zone (`session: null` before the day starts), and their open visit. */
export async function getTodaySession(ctx: Ctx): Promise<TodaySessionResponse> {
  requirePermission(ctx.actor, "sessions.read");
  const date = localDate(ctx.now, await orgTimeZone(ctx.db));
  const [session, openVisit] = await Promise.all([loadSessionByDate(ctx.db, ctx.actor.id, date), loadOpenVisit(ctx.db, ctx.actor.id)]);
  return { session, session_date: date, open_visit: openVisit };
}
