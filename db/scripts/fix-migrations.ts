/**
 * drizzle-kit quotes custom column types, so `geography(Point,4326)` is emitted as
 * "geography(Point,4326)" and PostgreSQL then looks for a type of that literal name.
 * Run after every `drizzle-kit generate` (npm run db:generate does it); a unit test
 * fails if a quoted PostGIS type ever slips into db/migrations.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export const QUOTED_POSTGIS_TYPE = /"((?:geography|geometry)\([^")]*\))"/gi;

const dir = path.resolve(__dirname, "../migrations");
let changed = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith(".sql"))) {
  const full = path.join(dir, file);
  const before = readFileSync(full, "utf8");
  const after = before.replace(QUOTED_POSTGIS_TYPE, "$1");
  if (after !== before) {
    writeFileSync(full, after);
    changed++;
    console.log(`un-quoted PostGIS types in ${file}`);
  }
}
console.log(`fix-migrations: ${changed} file(s) changed`);
