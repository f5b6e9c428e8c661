/**
 * The integration files share their modules (vitest.config.mts: worker threads, `isolate: false`), so what one file
 * changes in a module's state or in process.env leaks into the files after it in the same worker. Each file puts back
 * what it changed, in its own afterAll/afterEach. This setup file runs before every file; its afterAll runs after the
 * file's own (hooks run as a stack) and fails the file that left something changed, naming it, then puts it back so
 * the next file starts clean.
 *
 * Checked: process.env, fake timers, the trust settings and the API rate limit (setTrustForTests,
 * setApiRateLimitForTests), the shutdown flag (resetShutdownForTests), OpenTelemetry (telemetry.test.ts), the log
 * sink and level (setLogSinkForTests, setLogLevel) and the photo storage (setStorageForTests).
 */
import { afterAll, expect, vi } from "vitest";
import { env } from "../../src/env";
import { apiRateLimitPerMinute, setApiRateLimitForTests } from "../../src/server/auth/rate-limit";
import { publicUrl, setTrustForTests, trustProxyHops } from "../../src/server/http/trust";
import { isShuttingDown, resetShutdownForTests } from "../../src/server/lifecycle/shutdown";
import { logLevel, logSinkReplaced, setLogLevel, setLogSinkForTests } from "../../src/server/log";
import { setStorageForTests, storageReplacedForTests } from "../../src/server/storage/storage";
import { telemetryOn } from "../../src/server/telemetry/telemetry";

const envAtStart = { ...process.env };

afterAll(() => {
  const left: string[] = [];

  const envChanged = [...new Set([...Object.keys(envAtStart), ...Object.keys(process.env)])].filter((k) => process.env[k] !== envAtStart[k]);
  if (envChanged.length) {
    left.push(`process.env ${envChanged.join(", ")}`);
    for (const k of envChanged) {
      if (envAtStart[k] === undefined) delete process.env[k];
      else process.env[k] = envAtStart[k];
    }
  }
  if (vi.isFakeTimers()) {
    left.push("fake timers");
    vi.useRealTimers();
  }
  if (trustProxyHops() !== env.TRUST_PROXY_HOPS || publicUrl() !== env.AUTH_URL) {
    left.push("trust settings (setTrustForTests)");
    setTrustForTests(undefined);
  }
  if (apiRateLimitPerMinute() !== env.RATE_LIMIT_PER_MINUTE) {
    left.push("API rate limit (setApiRateLimitForTests)");
    setApiRateLimitForTests(undefined);
  }
  if (isShuttingDown()) {
    left.push("shutdown flag (resetShutdownForTests)");
    resetShutdownForTests();
  }
  if (telemetryOn()) left.push("OpenTelemetry on (see telemetry.test.ts's afterAll)");
  if (logSinkReplaced()) {
    left.push("log sink (setLogSinkForTests)");
    setLogSinkForTests(null);
  }
  if (logLevel() !== env.LOG_LEVEL) {
    left.push(`log level ${logLevel()} (setLogLevel; LOG_LEVEL is ${env.LOG_LEVEL})`);
    setLogLevel(env.LOG_LEVEL);
  }
  if (storageReplacedForTests()) {
    left.push("photo storage (setStorageForTests)");
    setStorageForTests(undefined);
  }

  expect(left, "module state this file changed and did not put back (vitest.config.mts: modules are shared between files)").toEqual([]);
});
