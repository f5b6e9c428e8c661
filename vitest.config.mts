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
          env: { TRUST_PROXY_HOPS: "1", LOG_LEVEL: "warn" },
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each file opens its own databases. Three at a time on a 2-core machine: a file spends much of its time
          // waiting (on PostgreSQL, on sockets, on timers), and with two the cores sat idle ≈ 40 % of the run.
          maxWorkers: 3,
        },
      },
    ],
  },
});
