import Link from "next/link";
import { dateTimeFormat } from "@/lib/time";
import type { AuditEntry } from "@/contracts/audit";

/** Human phrasing for the actions admins look for most; others show their code. */
const LABELS: Record<string, string> = {
  "trail.viewed": "viewed the location trail of",
  "auth.sign_in": "signed in",
  "auth.sign_in_failed": "failed to sign in",
  "auth.token_reuse_detected": "reused a spent refresh token (all its tokens revoked)",
  "mfa.enrolled": "enrolled in MFA",
  "mfa.disabled": "turned MFA off",
  "mfa.recovery_code_used": "used an MFA recovery code",
  "apikey.created": "created an API key",
  "apikey.revoked": "revoked an API key",
  "personnel.created": "created",
  "personnel.updated": "edited the details of",
  "personnel.role_changed": "changed the role of",
  "personnel.manager_changed": "changed the manager of",
  "personnel.deactivated": "deactivated",
  "personnel.reactivated": "reactivated",
  "personnel.password_reset": "reset the password of",
  "settings.changed": "changed settings",
};

function detailText(e: AuditEntry): string {
  const d = e.details;
  const fromTo = (v: unknown) => (v && typeof v === "object" && "from" in v && "to" in v ? `${String(v.from)} → ${String(v.to)}` : null);
  if (e.action === "personnel.role_changed" || e.action === "personnel.manager_changed") return fromTo(d) ?? "";
  const parts = Object.entries(d).map(([k, v]) => {
    if (k === "changes" && v && typeof v === "object") {
      return Object.entries(v as Record<string, unknown>)
        .map(([f, c]) => `${f}: ${fromTo(c) ?? JSON.stringify(c)}`)
        .join("; ");
    }
    return `${k}: ${fromTo(v) ?? (typeof v === "string" ? v : JSON.stringify(v))}`;
  });
  return parts.join("; ");
}

const person = (id: number | null, name: string | null, fallback: string | null) =>
  id ? (
    <Link href={`/admin/people/${id}`} className="underline">
      {name ?? fallback ?? `#${id}`}
    </Link>
  ) : (
    <span>{fallback ?? "—"}</span>
  );

/** The audit rows as a table (server component): when, who, what, whom, details, from where. */
export function AuditTable({ entries, caption, timeZone }: { entries: AuditEntry[]; caption: string; /** the organisation's, like the rest of the dashboard */ timeZone: string }) {
  const fmt = dateTimeFormat("en-GB", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "short" });
  if (entries.length === 0) return <p className="text-slate-600">No entries.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-slate-200 text-slate-600">
          <tr>
            <th scope="col" className="p-2">When (UTC)</th>
            <th scope="col" className="p-2">Who</th>
            <th scope="col" className="p-2">Did</th>
            <th scope="col" className="p-2">Whom</th>
            <th scope="col" className="p-2">Details</th>
            <th scope="col" className="p-2">From</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} className="border-b border-slate-100 align-top" data-action={e.action}>
              <td className="whitespace-nowrap p-2">
                <time dateTime={e.at}>{fmt.format(new Date(e.at))}</time>
              </td>
              <td className="p-2">{person(e.actor_id, e.actor_name, e.actor_email)}</td>
              <td className="p-2">
                {LABELS[e.action] ?? e.action}
                <span className="block font-mono text-xs text-slate-500">{e.action}</span>
              </td>
              <td className="p-2">{e.target_personnel_id ? person(e.target_personnel_id, e.target_name, null) : "—"}</td>
              <td className="max-w-xs break-words p-2">{detailText(e)}</td>
              <td className="p-2 text-xs text-slate-600">{e.ip ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
