import { afterEach, expect, it } from "vitest";
import { GET } from "../../src/app/api/health/route";
import { openPostgres } from "../../src/server/db/client";
import { useDbHandle } from "../../src/server/db";
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
