import { afterEach, expect, it } from "vitest";
import { GET } from "../../src/app/api/health/route";
import { openPostgres } from "../../src/server/db/client";
import { useDbHandle } from "../../src/server/db";
import { checkHealth } from "../../src/server/health";
import { describeEachDriver } from "../support/db";

const call = () => GET(new Request("http://localhost/api/health"), { params: Promise.resolve({}) });

describeEachDriver("GET /api/health", (ctx) => {
  afterEach(() => useDbHandle(undefined));

  it("reports the driver and the PostGIS version", async () => {
    useDbHandle(ctx.handle);
    const res = await call();
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: "ok", db: { driver: ctx.driver }, version: "0.1.0" });
    expect(body.db.postgis_version).toMatch(/^3\.\d+/);
  });

  it("requests that arrive while a check runs share its answer; the next request after it asks the database again", async () => {
    let asked = 0;
    const open = async () => (asked++, ctx.handle);
    const answers = await Promise.all(Array.from({ length: 20 }, () => checkHealth(open, ctx.driver)));
    expect(asked).toBe(1);
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toMatchObject({ status: "ok", db: { driver: ctx.driver } });
    expect(await checkHealth(open, ctx.driver)).toMatchObject({ status: "ok" });
    expect(asked).toBe(2);
    // A failed check is not kept either: the one after it asks again.
    let down = true;
    const flaky = async () => {
      asked++;
      if (down) throw new Error("connection refused");
      return ctx.handle;
    };
    expect(await checkHealth(flaky, ctx.driver)).toMatchObject({ status: "unavailable" });
    down = false;
    expect(await checkHealth(flaky, ctx.driver)).toMatchObject({ status: "ok" });
    expect(asked).toBe(4);
  });
});

it("answers 503 when the database is unreachable", async () => {
  // Port 1 on loopback: nothing listens, the connection is refused at once.
  const dead = await openPostgres({ url: "postgres://nobody@127.0.0.1:1/none" });
  useDbHandle(dead);
  try {
    const res = await call();
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "unavailable", db: { driver: "postgres", error: "database unreachable" } });
  } finally {
    useDbHandle(undefined);
    await dead.close();
  }
});
