import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, pgEnum, pgTable, serial, text, timestamp, uuid, varchar, type AnyPgColumn } from "drizzle-orm/pg-core";

export const personnelRole = pgEnum("personnel_role", ["rep", "manager", "admin"]);
export type PersonnelRole = (typeof personnelRole.enumValues)[number];

export const personnel = pgTable(
  "personnel",
  {
    id: serial("id").primaryKey(),
    name: varchar("name", { length: 255 }).notNull(),
    email: varchar("email", { length: 255 }).notNull().unique(),
    phone: varchar("phone", { length: 20 }),
    employeeId: varchar("employee_id", { length: 50 }).unique(),
    managerId: integer("manager_id").references((): AnyPgColumn => personnel.id),
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // Beyond the seed schema:
    role: personnelRole("role").notNull().default("rep"),
    passwordHash: text("password_hash"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    /** Client-generated id of the admin request that created this person (idempotency). */
    clientId: uuid("client_id").unique(),
    /** TOTP secret (base32), set at enrolment; MFA is on once `mfa_enabled_at` is set. */
    mfaSecret: text("mfa_secret"),
    mfaEnabledAt: timestamp("mfa_enabled_at", { withTimezone: true }),
    /** Sessions and tokens issued before this instant are refused (password reset, sign out everywhere). */
    tokensValidAfter: timestamp("tokens_valid_after", { withTimezone: true }),
    // --- hardening (issue #12) ---
    /** The last TOTP time step accepted for this person: a code of that step or earlier is a replay. */
    mfaLastStep: bigint("mfa_last_step", { mode: "number" }),
  },
  (t) => [
    index("idx_personnel_manager").on(t.managerId),
    check("personnel_not_own_manager", sql`${t.managerId} IS NULL OR ${t.managerId} <> ${t.id}`),
  ],
);
