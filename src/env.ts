import path from "node:path";
import { z } from "zod";

/**
 * The only reader of process.env. Every variable the app understands is declared here,
 * validated once, and documented in README.md and .env.example.
 */
const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyToUndefined, schema.optional());

const postgresUrl = z
  .string()
  .url()
  .refine((u) => /^postgres(ql)?:\/\//.test(u), "must start with postgres:// or postgresql://");

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: optional(postgresUrl),
  PGLITE_DATA_DIR: optional(z.string()),
  DEMO_PASSWORD: z.preprocess(emptyToUndefined, z.string().min(8).default("fieldbeat-demo")),
  /** Password of the first admin made by `db:create-admin` (generated and printed once when unset). */
  ADMIN_PASSWORD: optional(z.string().min(12, "must be at least 12 characters")),
  FIXTURES_DIR: optional(z.string()),
  // OpenTelemetry (src/server/telemetry): off unless the collector's OTLP endpoint is set. The SDK reads the other
  // OTEL_* variables itself (protocol, headers, sampler, export interval); README, Configuration.
  OTEL_EXPORTER_OTLP_ENDPOINT: optional(z.string().regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, "must be the collector's http(s) URL (http://otel-collector:4318)")),
  OTEL_SERVICE_NAME: z.preprocess(emptyToUndefined, z.string().min(1).default("fieldbeat")),
  OTEL_METRIC_EXPORT_INTERVAL: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).default(60_000)),
  OTEL_METRIC_EXPORT_TIMEOUT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).default(30_000)),
  OTEL_METRICS_EXPORTER: z.preprocess(emptyToUndefined, z.string().default("otlp")),
  // Set by Vercel on its builds and functions (1): telemetry then goes through @vercel/otel.
  VERCEL: optional(z.string()),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(["debug", "info", "warn", "error"]).default("info")),
  /** Signs session cookies and API access tokens. Required in production; a fixed dev value otherwise. */
  AUTH_SECRET: optional(z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)")),
  /** The app's public URL (NEXTAUTH_URL is accepted too): extra allowed Origin for cookie-authenticated API mutations. */
  AUTH_URL: optional(z.string().url()),
  /** Requests per minute per user, API key or anonymous IP on /api/v1 (429 with Retry-After beyond it). */
  /** Optional Google sign-in for existing, active people (both or neither). */
  GOOGLE_CLIENT_ID: optional(z.string().min(1)),
  GOOGLE_CLIENT_SECRET: optional(z.string().min(1)),
  RATE_LIMIT_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100_000).default(100)),
  /** Map tiles (Leaflet URL template, {s}/{z}/{x}/{y}) and their attribution; default OpenStreetMap. Inlined into the browser bundle at build. */
  NEXT_PUBLIC_MAP_TILE_URL: optional(z.string().regex(/^https?:\/\/[^/]+\/.*\{z\}.*\{x\}.*\{y\}/, "must be an http(s) URL template with {z}, {x} and {y}")),
  NEXT_PUBLIC_MAP_TILE_ATTRIBUTION: optional(z.string().min(1)),
  /** Google Maps JavaScript API key: when set, maps use Google instead of Leaflet + tiles. Inlined at build. */
  NEXT_PUBLIC_GOOGLE_MAPS_API_KEY: optional(z.string().min(1)),
  /** Server-side Google key: geocodes CSV-import rows without coordinates, and road distances for route optimisation (unset: such rows are errors; geodesic km × detour factor). */
  GOOGLE_MAPS_API_KEY: optional(z.string().min(1)),
  /** Which Google matrix API that key has: the Routes API (default; the only one new projects can enable) or the legacy Distance Matrix. */
  GOOGLE_MAPS_MATRIX_API: z.preprocess(emptyToUndefined, z.enum(["routes", "distance-matrix"]).default("routes")),
  /** Run the scheduled jobs (alert check every minute, outbox pruning daily) in this process. Default on; on a PostgreSQL server every instance may run them (pg-boss runs each schedule once). */
  // Next gzips its answers by default; behind a proxy that compresses (nginx gzip, Caddy encode, a CDN) set false so
  // the body is not compressed twice and the app's CPU goes to requests (docs/decisions/0013). The lean door never compresses.
  HTTP_COMPRESS: z.preprocess(emptyToUndefined, z.enum(["true", "false", "1", "0"]).default("true").transform((v) => v === "true" || v === "1")),
  // `npm start` only: how long an idle keep-alive connection stays open. Longer than the idle timeout of the proxy or load
  // balancer in front (nginx upstream keepalive and AWS ALB: 60 s), so that side always closes first; Node's 5 s default
  // makes the proxy send a request on a socket this server is closing (a reset, a 502). Read by scripts/server.mjs.
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1_000).max(3_600_000).default(65_000)),
  /** Tests only (`npm test` sets it for the browser tests' build): `next build` skips the type check `npm run typecheck` has just run. */
  FIELDBEAT_TYPES_CHECKED: z.preprocess(emptyToUndefined, z.enum(["true", "false", "1", "0"]).default("false").transform((v) => v === "true" || v === "1")),
  JOBS_ENABLED: z.preprocess(emptyToUndefined, z.enum(["true", "false", "1", "0"]).default("true").transform((v) => v === "true" || v === "1")),
  /** Bearer secret of the scheduled-job door GET /api/cron/{job} (Vercel sends it as "Authorization: Bearer <CRON_SECRET>"). Unset: the door answers 401 to everyone. */
  CRON_SECRET: optional(z.string().min(16, "must be at least 16 characters (openssl rand -base64 32)")),
  /** Connections in the app's PostgreSQL pool (DATABASE_URL only): 32 concurrent requests must not queue for 10. */
  DATABASE_POOL_MAX: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(500).default(20)),
  /** Named prepared statements for bounded-size queries (one round trip each). Set false behind a transaction-mode pooler (PgBouncer < 1.21). */
  DATABASE_PREPARE: z.preprocess(emptyToUndefined, z.enum(["true", "false", "1", "0"]).default("true").transform((v) => v === "true" || v === "1")),
  /** Photos: local storage directory (default .data/uploads, outside public/), used unless UPLOADTHING_TOKEN is set. */
  UPLOADS_DIR: optional(z.string()),
  /** Store photos on uploadthing instead of local disk. */
  UPLOADTHING_TOKEN: optional(z.string().min(1)),
  /** Lifetime of signed photo URLs, seconds (default 15 minutes). */
  SIGNED_URL_TTL_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(10).max(86_400).default(900)),
  // --- hardening (issue #12) ---
  /** Reverse proxies in front of the app that append to X-Forwarded-For (0 = none: forwarded headers are ignored). */
  TRUST_PROXY_HOPS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(10).default(0)),
  // --- PWA push (issue #9) --- VAPID keys for Web Push; unset → a pair is generated once and kept in the database.
  VAPID_PUBLIC_KEY: optional(z.string().min(20)),
  VAPID_PRIVATE_KEY: optional(z.string().min(20)),
  VAPID_SUBJECT: optional(z.string().regex(/^(mailto:|https:)/, "must be a mailto: or https: URL")),
  // --- scheduled report e-mail (issue #20) --- unset SMTP_URL: schedules can be made but nothing is sent (the page says so).
  SMTP_URL: optional(z.string().regex(/^smtps?:\/\/[^\s]+$/, "must be an smtp:// or smtps:// URL (smtp://user:pass@host:587)")),
  MAIL_FROM: z.preprocess(emptyToUndefined, z.string().min(3).default("Fieldbeat <reports@fieldbeat.local>")),
});

export type Env = z.infer<typeof envSchema> & { PGLITE_DATA_DIR: string; FIXTURES_DIR: string; UPLOADS_DIR: string };

const DEV_AUTH_SECRET = "fieldbeat-development-secret-not-for-production";

export class EnvError extends Error {
  constructor(public readonly issues: { variable: string; message: string }[]) {
    super(
      "Invalid environment configuration:\n" +
        issues.map((i) => `  - ${i.variable}: ${i.message}`).join("\n") +
        "\nSee .env.example and the Configuration section of README.md.",
    );
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse({ ...source, AUTH_SECRET: source.AUTH_SECRET ?? source.NEXTAUTH_SECRET, AUTH_URL: source.AUTH_URL ?? source.NEXTAUTH_URL });
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((i) => ({ variable: String(i.path[0] ?? "(root)"), message: i.message })),
    );
  }
  // Vercel runs each request in a short-lived function with no persistent disk: the embedded database would be
  // created empty, per instance, and lost. Refuse at build and start, by name, instead of failing at sign-in.
  if (source.VERCEL === "1" && !result.data.DATABASE_URL) {
    throw new EnvError([{ variable: "DATABASE_URL", message: "is required on Vercel (a managed PostgreSQL with PostGIS): the embedded database needs a persistent disk and one long-lived process" }]);
  }
  const cwd = process.cwd();
  return {
    ...result.data,
    AUTH_SECRET: result.data.AUTH_SECRET ?? (result.data.NODE_ENV === "production" ? undefined : DEV_AUTH_SECRET),
    PGLITE_DATA_DIR: path.resolve(/*turbopackIgnore: true*/ cwd, result.data.PGLITE_DATA_DIR ?? ".data/pglite"),
    FIXTURES_DIR: path.resolve(/*turbopackIgnore: true*/ cwd, result.data.FIXTURES_DIR ?? "../shared/fixtures"),
    UPLOADS_DIR: path.resolve(/*turbopackIgnore: true*/ cwd, result.data.UPLOADS_DIR ?? ".data/uploads"),
  };
}

export const env: Env = parseEnv(process.env);

/**
 * The signing secret. Checked when first used rather than at load, so `next build` works
 * without production secrets while a production server refuses to sign anything without one.
 */
export function requireAuthSecret(): string {
  if (!env.AUTH_SECRET) throw new EnvError([{ variable: "AUTH_SECRET", message: "is required in production (openssl rand -base64 32)" }]);
  return env.AUTH_SECRET;
}
