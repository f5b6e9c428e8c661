import type { Metadata } from "next";
import { listApiKeyOwners, listApiKeys } from "@/server/auth/api-keys/list-api-keys";
import { pageCtx, requirePageActor } from "@/server/auth/page-guard";
import { ApiKeysPanel } from "./api-keys-panel";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const actor = await requirePageActor(["admin"]);
  const ctx = await pageCtx(actor);
  const [keys, owners] = await Promise.all([listApiKeys(ctx), listApiKeyOwners(ctx)]);
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-bold">API keys</h1>
        <p className="mt-1 text-slate-600">
          Keys let other systems use the API as a manager or admin, within that person&apos;s scope. Send a key as <code>X-API-Key: fb_…</code> or{" "}
          <code>Authorization: Bearer fb_…</code>. A read key can only read. The secret is shown once, when the key is made.
        </p>
      </div>
      <ApiKeysPanel keys={keys} owners={owners} me={actor.id} />
    </div>
  );
}
