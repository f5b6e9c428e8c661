import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = {
  "@/": path.resolve(import.meta.dirname, "src") + "/",
  "@db/": path.resolve(import.meta.dirname, "db") + "/",
  "server-only": path.resolve(import.meta.dirname, "tests/support/server-only.ts"),
};

export default defineConfig({
  test: {
    projects: [
      { resolve: { alias }, test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node" } },
      // The Docker image's runtime folder, assembled by the Dockerfile's own script and started alone (slow: a build).
      { resolve: { alias }, test: { name: "deploy", include: ["tests/deploy/**/*.test.ts"], environment: "node", testTimeout: 300_000, hookTimeout: 20 * 60_000 } },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/support/global-setup.ts"],
          // Tests name callers by X-Forwarded-For as one trusted proxy would set it; hardening-trust.test.ts
          // switches to "no proxy" (the production default) with setTrustForTests.
          // Request log lines (one per API call) would flood the output; request-log.test.ts reads them itself.
          // CRON_SECRET: the scheduled-job door's secret (cron-route.test.ts), set for every file because the env module
          // reads process.env once per worker (modules are shared between files, below).
          env: { TRUST_PROXY_HOPS: "1", LOG_LEVEL: "warn", CRON_SECRET: "cron-test-secret-0123456789abcdef" },
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each file opens its own databases. Three at a time on a 2-core machine: a file spends much of its time
          // waiting (on PostgreSQL, on sockets, on timers), and with two the cores sat idle ≈ 40 % of the run.
          maxWorkers: 3,
          // Worker threads that keep their modules from one file to the next: a fresh process per file re-imported the
          // app (≈ 3 s of CPU a file) and started Node again. The whole suite took 437 s instead of 682 s (2026-12-06,
          // this machine). What a file changes in a module's state it puts back in its afterAll/afterEach (trust,
          // rate limits, the log sink, fake timers, OpenTelemetry's globals: telemetry.test.ts); the databases are
          // per file as before (tests/support/db.ts). tests/support/isolation-guard.ts fails a file that leaves
          // process.env or those module settings changed, and puts them back for the next file.
          pool: "threads",
          isolate: false,
          setupFiles: ["tests/support/isolation-guard.ts"],
        },
      },
    ],
  },
});
