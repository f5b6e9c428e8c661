import { hash } from "@node-rs/argon2";
import { count, eq, sql } from "drizzle-orm";
import { queryRows, type Db } from "@/server/db/client";
import { dailySessions, locations, orgSettings, personnel, plannedVisits, visits } from "@/server/db/schema";
import { distanceSql, geofenceStatusSql } from "@/server/geo/verdict";
import { localDate } from "@/lib/time";
import { planHistory } from "./history";
import { loadSeedLocations } from "./locations";
import { DEMO_DOMAIN, demoPeople } from "./people";
import { Random } from "./random";

export type SeedOptions = {
  now: Date;
  password: string;
  fixturesDir: string;
  /** Days of visit history before today. */
  historyDays?: number;
  seed?: number;
};

export type SeedSummary = {
  personnel: number;
  locations: number;
  locationSource: "osm" | "generated";
  plannedToday: number;
  visits: number;
  sessions: number;
  today: string;
};

export class SeedRefusedError extends Error {}

const BATCH = 500;
async function insertInBatches<T>(items: T[], insert: (batch: T[]) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += BATCH) await insert(items.slice(i, i + BATCH));
}

/**
 * Demo data: people in a reporting hierarchy, customer locations, today's routes and 30 days of
 * history. Deterministic for a given `now` and `seed`. Refuses a database that already has people.
 */
export async function seedDemoData(db: Db, opts: SeedOptions): Promise<SeedSummary> {
  const random = new Random(opts.seed ?? 20_260_601);
  const [existing] = await db.select({ n: count() }).from(personnel);
  if ((existing?.n ?? 0) > 0) {
    throw new SeedRefusedError(`the database already has ${existing?.n} personnel; seeding only runs on an empty database`);
  }
  const [settings] = await db.select().from(orgSettings).where(eq(orgSettings.id, 1));
  const timeZone = settings?.timeZone ?? "Asia/Kolkata";
  const workDays = settings?.workDays ?? [1, 2, 3, 4, 5, 6];
  const today = localDate(opts.now, timeZone);
  const passwordHash = await hash(opts.password);

  return db.transaction(async (tx) => {
    // People, level by level so each row can name its manager.
    const people = demoPeople(random);
    const ids = new Map<string, number>();
    for (const level of [["admin"], ["manager"], ["rep"]] as const) {
      const rows = people.filter((p) => level.includes(p.role as never));
      const inserted = await tx
        .insert(personnel)
        .values(rows.map((p) => ({ name: p.name, email: p.email, phone: p.phone, employeeId: p.employeeId, role: p.role, passwordHash, managerId: p.managerKey ? ids.get(p.managerKey) ?? null : null })))
        .returning({ id: personnel.id, email: personnel.email });
      for (const row of inserted) ids.set(row.email.split("@")[0] ?? row.email, row.id);
    }

    const { source, rows: locationRows } = loadSeedLocations(opts.fixturesDir, random);
    const seeded: { id: number; lat: number; lng: number; radius: number }[] = [];
    await insertInBatches(locationRows, async (batch) => {
      const inserted = await tx
        .insert(locations)
        .values(batch.map((l) => ({ name: l.name.slice(0, 255), address: l.address, coordinates: { lat: l.lat, lng: l.lng }, geofenceRadius: l.geofenceRadius, locationType: l.locationType, externalRef: l.externalRef })))
        .returning({ id: locations.id });
      inserted.forEach((row, i) => {
        const l = batch[i]!;
        seeded.push({ id: row.id, lat: l.lat, lng: l.lng, radius: l.geofenceRadius });
      });
    });

    const reps = people.filter((p) => p.role === "rep").map((p) => ({ id: ids.get(p.key)!, key: p.key }));
    const plan = planHistory({ random, reps, locations: seeded, today, timeZone, workDays, historyDays: opts.historyDays ?? 30 });

    const visitIds = new Map<string, number>();
    await insertInBatches(plan.visits, async (batch) => {
      const inserted = await tx.insert(visits).values(batch).returning({ id: visits.id, clientId: visits.clientId });
      for (const row of inserted) visitIds.set(row.clientId!, row.id);
    });
    await insertInBatches(plan.planned, (batch) =>
      tx.insert(plannedVisits).values(batch.map(({ visitClientId, ...p }) => ({ ...p, visitId: visitClientId ? visitIds.get(visitClientId)! : null }))),
    );
    await insertInBatches(plan.sessions, (batch) => tx.insert(dailySessions).values(batch));
    // Each rep's round as a beat on the work days (issue #19): the beats-materialize job writes the coming days' plans from
    // it, so the demo's Plans page and the rep's next days are filled whatever day the demo is first opened.
    await tx.execute(sql`
      INSERT INTO beats (personnel_id, name, weekdays, every_weeks, starts_on, stops, keep_order, client_id)
      SELECT pv.personnel_id, 'Weekly round', ${`{${workDays.join(",")}}`}::integer[], 1, ${today}::date,
             jsonb_agg(jsonb_build_object('location_id', pv.location_id, 'planned_time', substr(pv.planned_time::text, 1, 5)) ORDER BY pv.sequence), false, gen_random_uuid()
      FROM planned_visits pv WHERE pv.planned_date = ${today}::date GROUP BY pv.personnel_id ORDER BY pv.personnel_id`);

    // Verdicts come from PostGIS on the spheroid, with the same rule the check-in use-case applies.
    const distance = distanceSql(sql`v.check_in_coords`, sql`l.coordinates`);
    await tx.execute(sql`
      INSERT INTO location_validations (visit_id, validation_type, is_valid, distance_from_location, validation_details, validated_at)
      SELECT v.id, 'GPS', ${geofenceStatusSql(sql`d.m`, sql`l.geofence_radius`)} <> 'INVALID', d.m,
             jsonb_build_object('distance', d.m, 'radius', l.geofence_radius,
                                'status', ${geofenceStatusSql(sql`d.m`, sql`l.geofence_radius`)}, 'flags', '[]'::jsonb, 'source', 'demo-seed'),
             v.check_in_time
      FROM visits v JOIN locations l ON l.id = v.location_id
      CROSS JOIN LATERAL (SELECT ${distance} AS m) d
      WHERE v.check_in_coords IS NOT NULL
      ORDER BY v.id`);
    await tx.execute(sql`
      UPDATE visits v SET validation_status = lv.validation_details->>'status', validated = lv.is_valid
      FROM location_validations lv WHERE lv.visit_id = v.id AND lv.validation_type = 'GPS'`);
    // Without pings, a seeded day's travel is the geodesic path through its check-ins.
    await tx.execute(sql`
      UPDATE daily_sessions s SET total_travel_km = round((t.m / 1000)::numeric, 2)
      FROM (SELECT personnel_id, planned_date,
                   ST_Length(ST_MakeLine(check_in_coords::geometry ORDER BY check_in_time)::geography) AS m
            FROM visits WHERE check_in_coords IS NOT NULL GROUP BY personnel_id, planned_date) t
      WHERE t.personnel_id = s.personnel_id AND t.planned_date = s.session_date AND t.m IS NOT NULL`);

    // The demo organisation works every day around the clock, so pings are accepted whenever a newcomer tries the
    // app (production defaults in the migration stay Mon–Sat 09:00–19:00); is_demo rolls the plan forward at start.
    await tx.update(orgSettings).set({ workDays: [1, 2, 3, 4, 5, 6, 7], workDayStart: "00:00", workDayEnd: "24:00", isDemo: true }).where(eq(orgSettings.id, 1));

    const [counts] = await queryRows<{ visits: number }>(tx, sql`SELECT count(*)::int AS visits FROM visits`);
    return {
      personnel: people.length,
      locations: seeded.length,
      locationSource: source,
      plannedToday: plan.planned.filter((p) => p.plannedDate === today).length,
      visits: counts?.visits ?? 0,
      sessions: plan.sessions.length,
      today,
    };
  });
}

export function demoLogins(): string[] {
  const reps = Array.from({ length: 24 }, (_, i) => `rep${String(i + 1).padStart(2, "0")}@${DEMO_DOMAIN}`);
  return [`admin@${DEMO_DOMAIN}`, ...[1, 2, 3].map((m) => `manager${m}@${DEMO_DOMAIN}`), ...reps];
}

export function printDemoLogins(password: string) {
  console.log(
    [
      "[fieldbeat] demo logins (password: " + password + ")",
      `  admin     admin@${DEMO_DOMAIN}`,
      `  managers  manager1@${DEMO_DOMAIN} … manager3@${DEMO_DOMAIN}`,
      `  reps      rep01@${DEMO_DOMAIN} … rep24@${DEMO_DOMAIN}  (rep01–08 → manager1, rep09–16 → manager2, rep17–24 → manager3)`,
    ].join("\n"),
  );
}
