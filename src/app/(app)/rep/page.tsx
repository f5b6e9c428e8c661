import type { Metadata } from "next";
import { RepApp } from "@/components/rep/rep-app";
import { env } from "@/env";
import { requirePageActor } from "@/server/auth/page-guard";

export const metadata: Metadata = { title: "Today", appleWebApp: { capable: true, title: "Fieldbeat", statusBarStyle: "default" } };

/**
 * The rep's installable app. The page is only its shell: the screens render on the phone from IndexedDB and the
 * offline queue, so the service worker's cached copy of this page opens with the network off.
 */
export default async function RepHome() {
  const actor = await requirePageActor(["rep"]);
  return <RepApp me={{ id: actor.id, name: actor.name }} serviceWorker={env.NODE_ENV === "production"} />;
}
