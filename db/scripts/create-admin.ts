/**
 * The first administrator of a new installation:
 *   npm run db:create-admin -- --email ops@example.com --name "Ops Admin"            (checkout)
 *   node --conditions=react-server dist/create-admin.mjs --email … --name …          (Docker image)
 * The password comes from ADMIN_PASSWORD (≥ 12 characters) or is generated and printed once.
 * Refused when an active admin already exists.
 */
import { parseArgs } from "node:util";
import { env } from "@/env";
import { openPglite, openPostgres } from "@/server/db/client";
import { bootstrapAdmin } from "@/server/personnel/bootstrap-admin";

async function main() {
  const { values } = parseArgs({ options: { email: { type: "string" }, name: { type: "string" } } });
  if (!values.email || !values.name) throw new Error('usage: create-admin --email <email> --name "<name>"   (password: ADMIN_PASSWORD or generated)');
  const handle = env.DATABASE_URL ? await openPostgres({ url: env.DATABASE_URL, max: 1 }) : await openPglite(env.PGLITE_DATA_DIR);
  try {
    const r = await bootstrapAdmin(handle.db, { email: values.email, name: values.name, password: env.ADMIN_PASSWORD }, new Date());
    console.log(`admin ${r.email} created (id ${r.id})` + (r.generated ? `; password (shown once): ${r.password}` : "; password from ADMIN_PASSWORD"));
  } finally {
    await handle.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
