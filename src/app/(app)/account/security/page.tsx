import type { Metadata } from "next";
import { eq } from "drizzle-orm";
import { pageCtx, requirePageActor } from "@/server/auth/page-guard";
import { getSessionState } from "@/server/auth/session";
import { personnel } from "@/server/db/schema";
import { listMyTrailViews } from "@/server/privacy/privacy";
import { orgTimeZone } from "@/server/visits/plausibility";
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
      <TrailViews views={await listMyTrailViews(ctx)} timeZone={await orgTimeZone(ctx.db)} />
    </div>
  );
}

/** Privacy: who looked at my location trail, and when (from the audit log; my own looks are not recorded). */
function TrailViews({ views, timeZone }: { views: Awaited<ReturnType<typeof listMyTrailViews>>; timeZone: string }) {
  const fmt = new Intl.DateTimeFormat("en-GB", { timeZone, dateStyle: "medium", timeStyle: "short" });
  return (
    <section aria-labelledby="trail-views-h" className="flex flex-col gap-2">
      <h2 id="trail-views-h" className="text-lg font-semibold">
        Who viewed your location trail
      </h2>
      <p className="text-sm text-slate-600">Every time a manager or admin opens your trail it is written to the audit log. The latest 50 views:</p>
      {views.length === 0 ? (
        <p className="text-slate-700">Nobody has viewed your trail.</p>
      ) : (
        <ul className="flex flex-col divide-y divide-slate-200 rounded-lg border border-slate-200">
          {views.map((v, i) => (
            <li key={`${v.at}-${i}`} className="flex flex-col p-3">
              <span className="font-medium">
                {v.viewer_name ?? "Someone no longer in Fieldbeat"}
                {v.viewer_role ? <span className="font-normal text-slate-600"> ({v.viewer_role})</span> : null}
              </span>
              <span className="text-sm text-slate-700">
                {fmt.format(new Date(v.at))}
                {v.date ? ` · looked at ${v.date}` : ""}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
