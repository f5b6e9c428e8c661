import { date, index, integer, jsonb, numeric, pgTable, serial, timestamp, unique, uuid, varchar } from "drizzle-orm/pg-core";
import { personnel } from "./personnel";

export const dailySessions = pgTable(
  "daily_sessions",
  {
    id: serial("id").primaryKey(),
    personnelId: integer("personnel_id").notNull().references(() => personnel.id),
    sessionDate: date("session_date").notNull(),
    loginTime: timestamp("login_time", { withTimezone: true }),
    logoutTime: timestamp("logout_time", { withTimezone: true }),
    totalVisits: integer("total_visits").notNull().default(0),
    totalTravelKm: numeric("total_travel_km", { precision: 10, scale: 2 }).notNull().default("0"),
    status: varchar("status", { length: 20 }).notNull().default("OPEN"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // Beyond the seed schema: client-generated ids of the start and end requests (idempotency).
    startClientId: uuid("start_client_id").unique(),
    endClientId: uuid("end_client_id").unique(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    // Where the day's km resumes from on the next ping batch (src/lib/geo/travel-checkpoint.ts; null: from scratch).
    travelCheckpoint: jsonb("travel_checkpoint"),
  },
  // By date alone: Team now and the KPIs read one day (or range) of sessions for a whole team; without it PostgreSQL
  // scanned every session ever recorded (cost growing with history, not with the team).
  (t) => [unique("daily_sessions_rep_date").on(t.personnelId, t.sessionDate), index("idx_daily_sessions_date").on(t.sessionDate)],
);
