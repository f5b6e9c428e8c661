import type { Metadata } from "next";
import Link from "next/link";
import { orgTimeZone } from "@/server/visits/plausibility";
import { AuditTable } from "@/components/admin/audit-table";
import { FilterActions } from "@/components/admin/filter-actions";
import { inputClass } from "@/components/admin/form-classes";
import { flatParams, withParams } from "@/components/admin/search-params";
import { listAuditLog } from "@/server/audit/audit.queries";
import { listAuditQuery } from "@/contracts/audit";
import { calendarDate } from "@/contracts/dates";
import { pageCtx, requirePageActor } from "@/server/auth/page-guard";
import { listPersonnel } from "@/server/personnel/personnel.queries";

export const metadata: Metadata = { title: "Audit log" };

const ACTIONS = [
  ["trail.viewed", "Location trail viewed"],
  ["auth.*", "Sign-ins and sign-in failures"],
  ["mfa.*", "MFA changes"],
  ["personnel.*", "People changes (all)"],
  ["personnel.role_changed", "Role changed"],
  ["personnel.manager_changed", "Manager changed"],
  ["personnel.deactivated", "Deactivated"],
  ["personnel.password_reset", "Password reset"],
  ["apikey.*", "API keys"],
  ["settings.changed", "Settings changed"],
] as const;

const isDay = (v: string | undefined) => calendarDate.safeParse(v).success;
const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Read-only: who did what to whom, newest first. Day filters are UTC days, like the times shown. */
export default async function AuditPage({ searchParams }: Props) {
  const actor = await requirePageActor(["admin"]);
  const ctx = await pageCtx(actor);
  const params = flatParams(await searchParams);
  const { from_day, to_day, ...rest } = params;
  const parsed = listAuditQuery.safeParse({
    ...rest,
    ...(isDay(from_day) ? { from: `${from_day}T00:00:00Z` } : {}),
    ...(isDay(to_day) ? { to: `${nextDay(to_day!)}T00:00:00Z` } : {}),
  });
  const query = parsed.success ? parsed.data : listAuditQuery.parse({});
  const [page, people] = await Promise.all([listAuditLog(ctx, query), listPersonnel(ctx, { limit: 500 })]);
  const filtered = Object.keys(params).some((k) => k !== "cursor");

  return (
    <div className="flex flex-col gap-4">
      <div>
        <h1 className="text-2xl font-bold">Audit log</h1>
        <p className="mt-1 text-slate-600">
          Read-only record of sign-ins, MFA and API key changes, people changes, settings, exports, manual validations, and every time someone looked at a
          rep&apos;s location trail. Newest first; times in UTC.
        </p>
      </div>
      <form method="get" role="search" aria-label="Filter the audit log" className="flex flex-wrap items-end gap-2">
        <label className="flex flex-col gap-1 text-sm font-medium">
          What
          <select name="action" defaultValue={params.action ?? ""} className={inputClass}>
            <option value="">Everything</option>
            {ACTIONS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <PersonSelect name="actor_id" label="Who (actor)" people={people.items} value={params.actor_id} />
        <PersonSelect name="target_personnel_id" label="About whom" people={people.items} value={params.target_personnel_id} />
        <label className="flex flex-col gap-1 text-sm font-medium">
          From (day)
          <input name="from_day" type="date" defaultValue={params.from_day ?? ""} className={inputClass} />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          To (day, inclusive)
          <input name="to_day" type="date" defaultValue={params.to_day ?? ""} className={inputClass} />
        </label>
        <FilterActions filtered={!!filtered} clearHref="/admin/audit" />
      </form>
      {!parsed.success ? (
        <p role="alert" className="text-sm text-red-700">
          Some filters were not understood ({parsed.error.issues[0]?.message}); showing everything instead.
        </p>
      ) : null}
      <AuditTable entries={page.items} caption="Audit log entries, newest first" timeZone={await orgTimeZone(ctx.db)} />
      <nav aria-label="Pages" className="flex gap-3">
        {params.cursor ? (
          <Link href={withParams("/admin/audit", params, { cursor: null })} className="inline-flex min-h-11 items-center underline">
            Newest
          </Link>
        ) : null}
        {page.next_cursor ? (
          <Link href={withParams("/admin/audit", params, { cursor: page.next_cursor })} className="inline-flex min-h-11 items-center underline">
            Older entries
          </Link>
        ) : null}
      </nav>
    </div>
  );
}

function PersonSelect({ name, label, people, value }: { name: string; label: string; people: { id: number; name: string; email: string }[]; value?: string }) {
  return (
    <label className="flex flex-col gap-1 text-sm font-medium">
      {label}
      <select name={name} defaultValue={value ?? ""} className={inputClass}>
        <option value="">Anyone</option>
        {people.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name} ({p.email})
          </option>
        ))}
      </select>
    </label>
  );
}
