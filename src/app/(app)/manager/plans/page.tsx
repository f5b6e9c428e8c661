import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PlansBoard } from "@/components/manager/plans-board";
import { pageCtx, requirePageActor } from "@/server/auth/page-guard";
import { getPlanWeek } from "@/server/plans/plan-week";

export const metadata: Metadata = { title: "Plans" };

type Search = Promise<Record<string, string | string[] | undefined>>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;

/** Plans: a week per rep in scope (beats and planned days); beats and days are edited through /api/v1 (plans-board.tsx). */
export default async function PlansPage({ searchParams }: { searchParams: Search }) {
  const actor = await requirePageActor(["manager", "admin"]);
  const ctx = await pageCtx(actor);
  const from = one((await searchParams).from);
  if (from !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(from)) notFound();
  const week = await getPlanWeek(ctx, from);
  return <PlansBoard week={week} />;
}
