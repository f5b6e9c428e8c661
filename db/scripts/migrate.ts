/** npm run db:migrate — applies db/migrations to DATABASE_URL, or to the embedded database when unset. */
import { env } from "@/env";
import { migrate, openPglite, openPostgres } from "@/server/db/client";

async function main() {
  const handle = env.DATABASE_URL ? await openPostgres({ url: env.DATABASE_URL, max: 1 }) : await openPglite(env.PGLITE_DATA_DIR);
  console.log(`migrating ${handle.driver === "postgres" ? "the PostgreSQL server at DATABASE_URL" : env.PGLITE_DATA_DIR}…`);
  const t0 = performance.now();
  try {
    await migrate(handle);
    console.log(`migrations applied in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await handle.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
