import { defineConfig } from "drizzle-kit";

// Generation only needs the schema; applying migrations is `npm run db:migrate`
// (db/scripts/migrate.ts), which works on both the embedded and the server database.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/server/db/schema/index.ts",
  out: "./db/migrations",
});
