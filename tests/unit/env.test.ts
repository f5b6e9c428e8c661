import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "../../src/env";

describe("parseEnv", () => {
  it("uses the embedded database and demo defaults when nothing is set", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PGLITE_DATA_DIR).toMatch(/\.data\/pglite$/);
    expect(env.DEMO_PASSWORD).toBe("fieldbeat-demo");
    expect(env.NODE_ENV).toBe("development");
  });

  it("treats an empty variable as unset", () => {
    expect(parseEnv({ DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
  });

  it("names the bad variable", () => {
    expect(() => parseEnv({ DATABASE_URL: "mysql://x/y" })).toThrowError(/DATABASE_URL: must start with postgres/);
    try {
      parseEnv({ LOG_LEVEL: "loud", DEMO_PASSWORD: "short" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      expect((err as EnvError).issues.map((i) => i.variable).sort()).toEqual(["DEMO_PASSWORD", "LOG_LEVEL"]);
    }
  });

  it("refuses the embedded database on Vercel (no persistent disk, short-lived functions), by name", () => {
    expect(() => parseEnv({ VERCEL: "1" })).toThrowError(/DATABASE_URL: is required on Vercel/);
    expect(parseEnv({ VERCEL: "1", DATABASE_URL: "postgres://app@db.example.com/fb" }).DATABASE_URL).toBe("postgres://app@db.example.com/fb");
  });

  it("accepts a PostgreSQL URL", () => {
    expect(parseEnv({ DATABASE_URL: "postgresql://app@db.internal:5432/fieldbeat" }).DATABASE_URL).toBe("postgresql://app@db.internal:5432/fieldbeat");
  });
});

describe("AUTH_SECRET", () => {
  it("has a development default but none in production", () => {
    expect(parseEnv({}).AUTH_SECRET).toMatch(/development/);
    expect(parseEnv({ NODE_ENV: "production" }).AUTH_SECRET).toBeUndefined();
    expect(parseEnv({ NODE_ENV: "production", NEXTAUTH_SECRET: "x".repeat(32) }).AUTH_SECRET).toBe("x".repeat(32));
  });

  it("refuses a short secret by name", () => {
    expect(() => parseEnv({ AUTH_SECRET: "short" })).toThrowError(/AUTH_SECRET: must be at least 32 characters/);
  });
});

describe("DATABASE_POOL_MAX", () => {
  it("defaults to 20 connections and accepts another size", () => {
    expect(parseEnv({}).DATABASE_POOL_MAX).toBe(20);
    expect(parseEnv({ DATABASE_POOL_MAX: "32" }).DATABASE_POOL_MAX).toBe(32);
  });

  it("refuses a pool of no connections by name", () => {
    expect(() => parseEnv({ DATABASE_POOL_MAX: "0" })).toThrowError(/DATABASE_POOL_MAX/);
  });
});

describe("CRON_SECRET", () => {
  it("is unset by default and refuses a short secret by name", () => {
    expect(parseEnv({}).CRON_SECRET).toBeUndefined();
    expect(parseEnv({ CRON_SECRET: "x".repeat(16) }).CRON_SECRET).toBe("x".repeat(16));
    expect(() => parseEnv({ CRON_SECRET: "short" })).toThrowError(/CRON_SECRET: must be at least 16 characters/);
  });
});

describe("HTTP_KEEP_ALIVE_TIMEOUT_MS", () => {
  it("defaults to 65 s, above a proxy's 60 s idle timeout, and refuses what is not whole milliseconds in range, by name", () => {
    expect(parseEnv({}).HTTP_KEEP_ALIVE_TIMEOUT_MS).toBe(65_000);
    expect(parseEnv({ HTTP_KEEP_ALIVE_TIMEOUT_MS: "620000" }).HTTP_KEEP_ALIVE_TIMEOUT_MS).toBe(620_000);
    for (const bad of ["0", "999", "65s", "1500.5", "3600001"]) expect(() => parseEnv({ HTTP_KEEP_ALIVE_TIMEOUT_MS: bad })).toThrowError(/HTTP_KEEP_ALIVE_TIMEOUT_MS/);
  });
});
