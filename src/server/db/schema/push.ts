import { index, integer, pgTable, serial, smallint, text, timestamp, unique, varchar } from "drizzle-orm/pg-core";
import { personnel } from "./personnel";

/** One Web Push subscription per device (its endpoint), owned by the person signed in there. Removed at sign-out. */
export const pushSubscriptions = pgTable(
  "push_subscriptions",
  {
    id: serial("id").primaryKey(),
    personnelId: integer("personnel_id").notNull().references(() => personnel.id),
    endpoint: text("endpoint").notNull().unique(),
    p256dh: varchar("p256dh", { length: 200 }).notNull(),
    auth: varchar("auth", { length: 100 }).notNull(),
    userAgent: text("user_agent"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSuccessAt: timestamp("last_success_at", { withTimezone: true }),
    lastError: text("last_error"),
  },
  (t) => [index("idx_push_subscriptions_personnel").on(t.personnelId)],
);

/**
 * Notifications the server decided to send, one row per (person, kind, subject): the unique key makes a reminder
 * job idempotent (a second run, or a second instance, finds the row and sends nothing).
 */
export const pushDeliveries = pgTable(
  "push_deliveries",
  {
    id: serial("id").primaryKey(),
    personnelId: integer("personnel_id").notNull().references(() => personnel.id),
    kind: varchar("kind", { length: 40 }).notNull(),
    /** What it is about: a date (first-visit reminder) or a visit id (visit still open). */
    subject: varchar("subject", { length: 100 }).notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true }).notNull().defaultNow(),
    devices: integer("devices").notNull().default(0),
  },
  (t) => [unique("push_deliveries_once").on(t.personnelId, t.kind, t.subject)],
);

/** The server's VAPID key pair when none is configured: generated once at first use and kept (row id = 1). */
export const vapidKeys = pgTable("vapid_keys", {
  id: smallint("id").primaryKey().default(1),
  publicKey: text("public_key").notNull(),
  /** Encrypted with a key derived from AUTH_SECRET (like TOTP secrets). */
  privateKey: text("private_key").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
