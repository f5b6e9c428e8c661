import "server-only";
import { eq } from "drizzle-orm";
import { env } from "@/env";
import { decryptSecret, encryptSecret } from "../auth/mfa/totp";
import type { Db } from "../db/client";
import { vapidKeys } from "../db/schema";

export type Vapid = { publicKey: string; privateKey: string; subject: string };

/**
 * The server's VAPID key pair: VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY when configured, else one generated at first use
 * and kept in the database (private key encrypted with AUTH_SECRET), so every instance and restart signs with the
 * same key and existing subscriptions keep working.
 */
export async function getVapid(db: Db): Promise<Vapid> {
  const subject = env.VAPID_SUBJECT ?? "mailto:admin@fieldbeat.invalid";
  if (env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY) return { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY, subject };
  let [row] = await db.select().from(vapidKeys).where(eq(vapidKeys.id, 1));
  if (!row) {
    const { default: webpush } = await import("web-push");
    const keys = webpush.generateVAPIDKeys();
    // Two instances starting together: the first insert wins, both read it back.
    await db.insert(vapidKeys).values({ id: 1, publicKey: keys.publicKey, privateKey: encryptSecret(keys.privateKey) }).onConflictDoNothing();
    [row] = await db.select().from(vapidKeys).where(eq(vapidKeys.id, 1));
  }
  const privateKey = row ? decryptSecret(row.privateKey) : null;
  if (!row || !privateKey) throw new Error("VAPID private key unreadable (AUTH_SECRET changed?): delete the vapid_keys row to generate a new pair");
  return { publicKey: row.publicKey, privateKey, subject };
}
