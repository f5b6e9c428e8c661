import type { Metadata } from "next";
import Link from "next/link";
import { orgTimeZone } from "@/server/visits/plausibility";
import { AuditTable } from "@/components/admin/audit-table";
import { EditPersonForm } from "@/components/admin/edit-person-form";
import { PersonActions } from "@/components/admin/person-actions";
import { PersonPrivacy } from "@/components/admin/person-privacy";
import { anonymisedName } from "@/server/privacy/privacy";
import { listAuditLog } from "@/server/audit/audit.queries";
import { pageCtx, requirePageActor } from "@/server/auth/page-guard";
import { orNotFound, pageId } from "@/server/http/page";
import { getPersonOrThrow, listManagerChoices, listPersonnel } from "@/server/personnel/personnel.queries";

export const metadata: Metadata = { title: "Person" };

export default async function PersonPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor(["admin"]);
  const ctx = await pageCtx(actor);
  const id = pageId((await params).id);
  const person = await orNotFound(getPersonOrThrow(ctx, id));
  const [managers, reports, history] = await Promise.all([
    listManagerChoices(ctx),
    listPersonnel(ctx, { manager_id: id, limit: 500 }),
    listAuditLog(ctx, { target_personnel_id: id, limit: 20 }),
  ]);

  return (
    <div className="flex flex-col gap-6">
      <div>
        <Link href="/admin/people" className="inline-flex min-h-11 items-center underline">
          ← People
        </Link>
        <h1 className="text-2xl font-bold">{person.name}</h1>
        <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-600">Email</dt>
          <dd>{person.email}</dd>
          <dt className="text-slate-600">Role</dt>
          <dd className="capitalize">{person.role}</dd>
          <dt className="text-slate-600">Reports to</dt>
          <dd>{person.manager_id ? <Link href={`/admin/people/${person.manager_id}`} className="underline">{person.manager_name}</Link> : "—"}</dd>
          <dt className="text-slate-600">Status</dt>
          <dd>{person.active ? "Active" : "Deactivated"}</dd>
          <dt className="text-slate-600">MFA</dt>
          <dd>{person.mfa_enabled ? "Enrolled" : "Not enrolled"}</dd>
          <dt className="text-slate-600">Since</dt>
          <dd>{new Date(person.created_at).toLocaleDateString()}</dd>
        </dl>
      </div>

      <EditPersonForm person={person} />

      <section aria-labelledby="access-h" className="flex flex-col gap-3 rounded-xl border border-slate-200 p-4">
        <h2 id="access-h" className="text-lg font-semibold">
          Role, manager and access
        </h2>
        <PersonActions person={person} managers={managers} me={actor.id} />
      </section>

      <PersonPrivacy person={{ id: person.id, name: person.name, anonymised: person.name === anonymisedName(person.id) }} />

      <section aria-labelledby="reports-h" className="flex flex-col gap-2">
        <h2 id="reports-h" className="text-lg font-semibold">
          Direct reports ({reports.items.length})
        </h2>
        {reports.items.length === 0 ? (
          <p className="text-slate-600">Nobody reports to {person.name}.</p>
        ) : (
          <ul className="flex flex-wrap gap-2">
            {reports.items.map((r) => (
              <li key={r.id}>
                <Link href={`/admin/people/${r.id}`} className="inline-flex min-h-11 items-center rounded-lg border border-slate-200 px-3 hover:bg-slate-50">
                  {r.name}
                  {r.active ? "" : " (deactivated)"}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="history-h" className="flex flex-col gap-2">
        <h2 id="history-h" className="text-lg font-semibold">
          Recent audit entries about {person.name}
        </h2>
        <AuditTable entries={history.items} caption={`Audit entries about ${person.name}, newest first`} timeZone={await orgTimeZone(ctx.db)} />
        <Link href={`/admin/audit?target_personnel_id=${person.id}`} className="inline-flex min-h-11 items-center underline">
          All entries about {person.name}
        </Link>
      </section>
    </div>
  );
}
