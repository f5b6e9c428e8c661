import { sql } from "drizzle-orm";
import { bigint, bigserial, check, index, integer, jsonb, pgTable, serial, text, timestamp, uuid, varchar } from "drizzle-orm/pg-core";
import { personnel } from "./personnel";

/**
 * Opaque API refresh tokens (30 days), stored as SHA-256 hashes. Each refresh rotates the token
 * within its family; presenting an already-rotated token revokes the whole family (theft signal).
 */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: serial("id").primaryKey(),
    personnelId: integer("personnel_id").notNull().references(() => personnel.id),
    familyId: uuid("family_id").notNull(),
    tokenHash: varchar("token_hash", { length: 64 }).notNull().unique(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    rotatedAt: timestamp("rotated_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedReason: varchar("revoked_reason", { length: 40 }),
    userAgent: text("user_agent"),
    ip: varchar("ip", { length: 64 }),
  },
  (t) => [index("idx_refresh_tokens_family").on(t.familyId), index("idx_refresh_tokens_personnel").on(t.personnelId)],
);

export const apiKeyAccess = ["read", "read_write"] as const;
export type ApiKeyAccess = (typeof apiKeyAccess)[number];

/**
 * Integration keys made by admins. The secret is shown once; only its SHA-256 is kept.
 * A key acts as `personnel_id` (its scope: admin = everything, manager = their subtree).
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: serial("id").primaryKey(),
    clientId: uuid("client_id").unique(),
    name: varchar("name", { length: 100 }).notNull(),
    prefix: varchar("prefix", { length: 16 }).notNull().unique(),
    keyHash: varchar("key_hash", { length: 64 }).notNull().unique(),
    access: varchar("access", { length: 12 }).notNull().default("read"),
    personnelId: integer("personnel_id").notNull().references(() => personnel.id),
    createdBy: integer("created_by").notNull().references(() => personnel.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [check("api_keys_access_known", sql`${t.access} IN ('read','read_write')`), index("idx_api_keys_personnel").on(t.personnelId)],
);

/** One-time MFA recovery codes (10 per enrolment), stored hashed; `used_at` burns one. */
export const mfaRecoveryCodes = pgTable(
  "mfa_recovery_codes",
  {
    id: serial("id").primaryKey(),
    personnelId: integer("personnel_id").notNull().references(() => personnel.id),
    codeHash: text("code_hash").notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("idx_mfa_recovery_personnel").on(t.personnelId)],
);

/**
 * Who did what, append-only: sign-ins and failures, MFA changes, role and hierarchy changes,
 * API key changes, manual validations, exports, and every view of a rep's trail by someone else.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    actorId: integer("actor_id").references(() => personnel.id),
    actorEmail: varchar("actor_email", { length: 255 }),
    action: varchar("action", { length: 64 }).notNull(),
    subjectType: varchar("subject_type", { length: 32 }),
    subjectId: varchar("subject_id", { length: 64 }),
    targetPersonnelId: integer("target_personnel_id").references(() => personnel.id),
    ip: varchar("ip", { length: 64 }),
    userAgent: text("user_agent"),
    details: jsonb("details").notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("idx_audit_created").on(t.createdAt),
    index("idx_audit_actor").on(t.actorId, t.createdAt),
    index("idx_audit_target").on(t.targetPersonnelId, t.createdAt),
    index("idx_audit_action").on(t.action, t.createdAt),
  ],
);

/**
 * Idempotency for mutations whose effect is not a row of their own (deactivate, set role, reset
 * password…): the first call stores its answer under the client-generated id; a replay returns it.
 */
export const idempotencyKeys = pgTable("idempotency_keys", {
  clientId: uuid("client_id").primaryKey(),
  actorId: integer("actor_id").notNull().references(() => personnel.id),
  operation: varchar("operation", { length: 64 }).notNull(),
  status: integer("status").notNull().default(200),
  response: jsonb("response"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  // --- hardening (issue #12) ---
  /** SHA-256 of the request (operation + canonical input): the same client_id with another body is 409 CLIENT_ID_REUSED. */
  requestHash: varchar("request_hash", { length: 64 }),
});

/** rate-limiter-flexible's PostgreSQL store layout (key, points, expire), so limits hold across instances. */
export const rateLimits = pgTable("rate_limits", {
  key: varchar("key", { length: 255 }).primaryKey(),
  points: integer("points").notNull().default(0),
  expire: bigint("expire", { mode: "number" }),
});
