"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { createApiKeyAction, revokeApiKeyAction } from "@/server/auth/api-keys/api-keys.actions";
import type { ApiKeyView } from "@/contracts/api-keys";
import { useHydrated } from "@/lib/use-hydrated";

type Owner = { id: number; name: string; email: string; role: "manager" | "admin" };

const field = "min-h-12 rounded-lg border border-slate-300 px-3 text-base";
const primary = "min-h-12 rounded-lg bg-brand-600 px-5 font-semibold text-white disabled:opacity-60";
const danger = "min-h-11 rounded-lg border border-red-300 px-3 font-medium text-red-700 hover:bg-red-50 disabled:opacity-60";

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");

/** Create a key (secret shown once), list keys, revoke one. */
export function ApiKeysPanel({ keys, owners, me }: { keys: ApiKeyView[]; owners: Owner[]; me: number }) {
  const router = useRouter();
  // One id per create attempt: a double submit or a retry after a lost answer makes one key, not two.
  const [clientId, setClientId] = useState(() => crypto.randomUUID());
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);
  // A form handled in JavaScript: disabled until hydration (an early tap would be lost), never submitted by the browser.
  const hydrated = useHydrated();

  async function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget; // React clears currentTarget once the handler awaits
    const form = new FormData(formEl);
    const expiry = String(form.get("expires_on") ?? "");
    setBusy(true);
    setError(null);
    const res = await createApiKeyAction({
      client_id: clientId,
      name: String(form.get("name") ?? ""),
      access: form.get("access") === "read_write" ? "read_write" : "read",
      personnel_id: Number(form.get("personnel_id")) || undefined,
      // The end of the chosen day, in the admin's time zone.
      expires_at: expiry ? new Date(`${expiry}T23:59:59`).toISOString() : null,
    });
    setBusy(false);
    if (!res.ok) {
      setError({ message: res.error.message, field: res.error.field });
      return;
    }
    if (res.data.secret) setSecret({ name: res.data.name, value: res.data.secret });
    setClientId(crypto.randomUUID());
    setCopied(false);
    formEl.reset();
    router.refresh();
  }

  async function revoke(key: ApiKeyView) {
    if (!window.confirm(`Revoke "${key.name}" (${key.prefix})? Systems using it stop working at once.`)) return;
    setBusy(true);
    setError(null);
    const res = await revokeApiKeyAction({ id: key.id });
    setBusy(false);
    if (!res.ok) setError({ message: res.error.message });
    else router.refresh();
  }

  async function copy() {
    if (!secret) return;
    await navigator.clipboard.writeText(secret.value).catch(() => undefined);
    setCopied(true);
  }

  return (
    <div className="flex flex-col gap-6">
      {secret ? (
        <section aria-labelledby="secret-h" className="flex flex-col gap-3 rounded-xl border border-green-300 bg-green-50 p-4">
          <h2 id="secret-h" className="text-lg font-semibold">Key &ldquo;{secret.name}&rdquo; created</h2>
          <p>Copy it now and store it in the other system&apos;s secret store. It will not be shown again.</p>
          <code data-testid="api-key-secret" className="break-all rounded-lg bg-white p-3 font-mono text-sm">
            {secret.value}
          </code>
          <div className="flex gap-2">
            <button type="button" className={primary} onClick={copy}>
              {copied ? "Copied" : "Copy"}
            </button>
            <button type="button" className="min-h-12 rounded-lg px-4 font-medium hover:bg-green-100" onClick={() => setSecret(null)}>
              Done
            </button>
          </div>
        </section>
      ) : null}

      {error ? (
        <p role="alert" className="rounded-lg bg-red-50 p-3 text-sm text-red-800">
          {error.message}
        </p>
      ) : null}

      <form method="post" onSubmit={create} aria-labelledby="create-h" className="flex flex-col gap-3 rounded-xl border border-slate-200 p-4">
        <h2 id="create-h" className="text-lg font-semibold">New key</h2>
        <div className="grid gap-3 sm:grid-cols-2">
          <label className="flex flex-col gap-1 font-medium">
            Name
            <input name="name" required maxLength={100} placeholder="e.g. Payroll export" className={field} aria-invalid={error?.field === "name"} />
          </label>
          <label className="flex flex-col gap-1 font-medium">
            Access
            <select name="access" defaultValue="read" className={field}>
              <option value="read">Read only</option>
              <option value="read_write">Read and write</option>
            </select>
          </label>
          <label className="flex flex-col gap-1 font-medium">
            Acts as
            <select name="personnel_id" defaultValue={String(me)} className={field} aria-invalid={error?.field === "personnel_id"}>
              {owners.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name} ({o.role}, {o.email})
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col gap-1 font-medium">
            Expires on (optional)
            <input name="expires_on" type="date" className={field} aria-invalid={error?.field === "expires_at"} />
          </label>
        </div>
        <div>
          <button type="submit" className={primary} disabled={busy || !hydrated}>
            Create key
          </button>
        </div>
      </form>

      <section aria-labelledby="list-h" className="flex flex-col gap-2">
        <h2 id="list-h" className="text-lg font-semibold">Keys</h2>
        {keys.length === 0 ? (
          <p className="text-slate-600">No keys yet.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="border-b border-slate-200 text-slate-600">
                <tr>
                  <th className="p-2">Name</th>
                  <th className="p-2">Key</th>
                  <th className="p-2">Access</th>
                  <th className="p-2">Acts as</th>
                  <th className="p-2">Created</th>
                  <th className="p-2">Last used</th>
                  <th className="p-2">Expires</th>
                  <th className="p-2">Status</th>
                  <th className="p-2">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <tr key={k.id} className="border-b border-slate-100">
                    <td className="p-2 font-medium">{k.name}</td>
                    <td className="p-2 font-mono">{k.prefix}_…</td>
                    <td className="p-2">{k.access === "read_write" ? "Read and write" : "Read only"}</td>
                    <td className="p-2">
                      {k.personnel.name} <span className="text-slate-500">({k.personnel.role})</span>
                    </td>
                    <td className="p-2">{when(k.created_at)}</td>
                    <td className="p-2">{when(k.last_used_at)}</td>
                    <td className="p-2">{when(k.expires_at)}</td>
                    <td className="p-2">{k.status === "active" ? "Active" : k.status === "expired" ? "Expired" : `Revoked ${when(k.revoked_at)}`}</td>
                    <td className="p-2">
                      {k.status === "revoked" ? null : (
                        <button type="button" className={danger} disabled={busy || !hydrated} onClick={() => revoke(k)}>
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
