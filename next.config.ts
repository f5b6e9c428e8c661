import type { NextConfig } from "next";
// Validate the environment at build and start: a bad variable fails fast, by name.
import { env } from "./src/env";

/** Next calls it with its phase: "phase-production-build" for `next build`, "phase-production-server" at start … */
const nextConfig = (phase: string): NextConfig => ({
  reactStrictMode: true,
  poweredByHeader: false,
  // Every build also writes .next/standalone (the files the server reaches, traced), from which
  // scripts/docker/assemble-runtime.sh makes the Docker image's runtime folder (docs/decisions/0022). Only at build:
  // a checkout's `npm start` runs the full .next as before (and Next would warn that `next start` is not standalone).
  output: phase === "phase-production-build" ? "standalone" : undefined,
  // HTTP_COMPRESS=false when a proxy in front compresses (README, docs/decisions/0013): read when the server starts.
  compress: env.HTTP_COMPRESS,
  // Native and WASM packages must be loaded by Node at run time, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-postgis", "@node-rs/argon2", "postgres", "pg-boss", "pg", "sharp", "exifr", "uploadthing", "pdfkit", "exceljs", "nodemailer",
    // OpenTelemetry (src/server/telemetry): one API instance shared with Next and the door, and the SDK loaded by Node.
    "@opentelemetry/api", "@opentelemetry/sdk-node", "@opentelemetry/sdk-metrics", "@opentelemetry/exporter-metrics-otlp-http", "@opentelemetry/exporter-trace-otlp-http", "@vercel/otel"],
  typedRoutes: false,
  // `npm test` type-checks first (`npm run typecheck`: the route types from `next typegen`, then tsc on the same
  // tsconfig) and sets FIELDBEAT_TYPES_CHECKED=1 for the browser tests' build, which then skips the same check again.
  // Any other build (npm run build, the Dockerfile, the demo) checks types as before.
  typescript: { ignoreBuildErrors: env.FIELDBEAT_TYPES_CHECKED },
  // forbidden() renders app/forbidden.tsx with status 403 (the page guard's wrong-role answer).
  experimental: { authInterrupts: true },
});

export default nextConfig;
