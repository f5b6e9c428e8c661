import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/server/auth/page-guard";

export const metadata: Metadata = { title: "Admin" };

const SECTIONS = [
  { href: "/admin/people", title: "People", body: "Create and deactivate people, set roles and who reports to whom, reset passwords." },
  { href: "/manager/customers", title: "Customers", body: "The places reps visit: search, map, geofence radius, import from a spreadsheet." },
  { href: "/admin/audit", title: "Audit log", body: "Sign-ins, MFA changes, role changes, API keys, exports and who viewed whose location." },
  { href: "/admin/api-keys", title: "API keys", body: "Keys for integrations: read-only or read-write, shown once, revocable." },
  { href: "/admin/settings", title: "Settings", body: "Time zone, work hours, geofence radius, and whether managers must use MFA." },
  { href: "/manager", title: "Team", body: "Everyone's day, as managers see their own teams." },
];

export default async function AdminHome() {
  await requirePageActor(["admin"]);
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-bold">Administration</h1>
      <ul className="grid gap-3 sm:grid-cols-2">
        {SECTIONS.map((s) => (
          <li key={s.href}>
            <Link href={s.href} className="block min-h-11 rounded-xl border border-slate-200 p-4 hover:bg-slate-50">
              <span className="font-semibold text-brand-700">{s.title}</span>
              <span className="mt-1 block text-sm text-slate-600">{s.body}</span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
