/**
 * npm run db:seed [-- --reset] — loads the demo data into DATABASE_URL or the embedded database.
 * Refuses a database that already has people unless --reset is given, which first deletes ALL data.
 */
import { sql } from "drizzle-orm";
import { env } from "@/env";
import { migrate, openPglite, openPostgres } from "@/server/db/client";
import { printDemoLogins, seedDemoData } from "../seed";

async function main() {
  const reset = process.argv.includes("--reset");
  const handle = env.DATABASE_URL ? await openPostgres({ url: env.DATABASE_URL, max: 1 }) : await openPglite(env.PGLITE_DATA_DIR);
  try {
    await migrate(handle);
    if (reset) {
      await handle.db.execute(
        sql`TRUNCATE events, location_validations, planned_visits, visits, daily_sessions, locations, personnel RESTART IDENTITY CASCADE`,
      );
      console.log("--reset: all data deleted");
    }
    const t0 = performance.now();
    const s = await seedDemoData(handle.db, { now: new Date(), password: env.DEMO_PASSWORD, fixturesDir: env.FIXTURES_DIR });
    console.log(
      `seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${s.personnel} people, ${s.locations} locations (${s.locationSource}), ` +
        `${s.plannedToday} planned visits today (${s.today}), ${s.visits} past visits, ${s.sessions} past days`,
    );
    printDemoLogins(env.DEMO_PASSWORD);
  } finally {
    await handle.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
