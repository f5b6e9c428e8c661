/** Shared set-up for the personnel, audit and settings tests: the demo org and route-handler callers. */
import path from "node:path";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { seedDemoData } from "../../db/seed";
import { issueAccessToken } from "../../src/server/auth/tokens";
import { queryRows, type Db } from "../../src/server/db/client";

const FIXTURES = path.resolve(process.env.FIXTURES_DIR ?? path.join(__dirname, "../../../shared/fixtures"));

/** id by demo login key: admin, manager1-3, rep01-24. */
export type DemoIds = Record<string, number>;

export async function seedDemo(db: Db): Promise<DemoIds> {
  await seedDemoData(db, { now: new Date(), password: "fieldbeat-demo", fixturesDir: FIXTURES, historyDays: 1 });
  const rows = await queryRows<{ id: number; email: string }>(db, sql`SELECT id, email FROM personnel`);
  return Object.fromEntries(rows.map((r) => [r.email.split("@")[0]!, r.id]));
}

export const uuid = () => randomUUID();

/** An access token issued a minute ago, so a tokens_valid_after set "now" is strictly later. */
export async function bearer(personnelId: number, issuedAt = new Date(Date.now() - 60_000)): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await issueAccessToken(personnelId, issuedAt)}` };
}

// Responses are asserted field by field with toMatchObject; a loose type keeps the tests readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonBody = any;

type Handler<P> = (req: Request, ctx: { params: Promise<P> }) => Promise<Response>;

export async function call<P extends Record<string, string>>(
  handler: Handler<P>,
  opts: { method?: string; url?: string; as?: number; body?: unknown; rawBody?: string; contentType?: string; params?: P; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: JsonBody }> {
  const headers: Record<string, string> = { ...(opts.as ? await bearer(opts.as) : {}), ...opts.headers };
  let body: string | undefined;
  if (opts.body !== undefined || opts.rawBody !== undefined) {
    body = opts.rawBody ?? JSON.stringify(opts.body);
    headers["content-type"] = opts.contentType ?? "application/json";
  }
  const req = new Request(opts.url ?? "http://localhost/api/v1/x", { method: opts.method ?? "GET", headers, body });
  const res = await handler(req, { params: Promise.resolve(opts.params ?? ({} as P)) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export const count = async (db: Db, table: "personnel" | "audit_log" | "idempotency_keys", where = sql`TRUE`) =>
  Number((await queryRows<{ n: number | string }>(db, sql`SELECT count(*) AS n FROM ${sql.raw(table)} WHERE ${where}`))[0]!.n);
