import type { Metadata } from "next";
import { eq } from "drizzle-orm";
import { pageCtx, requirePageActor } from "@/server/auth/page-guard";
import { getSessionState } from "@/server/auth/session";
import { personnel } from "@/server/db/schema";
import { MfaPanel } from "./mfa-panel";

export const metadata: Metadata = { title: "Account security" };

/** Two-step verification for the signed-in person (the only page a manager who must still enrol can reach). */
export default async function SecurityPage() {
  const actor = await requirePageActor(undefined, { allowMfaEnrolment: true });
  const ctx = await pageCtx(actor);
  const [me] = await ctx.db.select({ enabledAt: personnel.mfaEnabledAt }).from(personnel).where(eq(personnel.id, actor.id));
  const required = (await getSessionState())?.mfaEnrolmentRequired ?? false;
  return (
    <div className="flex max-w-xl flex-col gap-4">
      <h1 className="text-2xl font-bold">Account security</h1>
      <p className="text-slate-600">
        Signed in as {actor.name} ({actor.email}).
      </p>
      {required ? (
        <p role="alert" className="rounded-lg bg-amber-50 p-3 text-amber-900">
          Your organisation requires two-step verification for managers and admins. Set it up to continue.
        </p>
      ) : null}
      <MfaPanel enabledAt={me?.enabledAt?.toISOString() ?? null} />
    </div>
  );
}
