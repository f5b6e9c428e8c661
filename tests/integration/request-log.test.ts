import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { GET as health } from "../../src/app/api/health/route";
import { GET as me } from "../../src/app/api/v1/auth/me/route";
import { useDbHandle } from "../../src/server/db";
import { setLogLevel, setLogSinkForTests } from "../../src/server/log";
import { setTrustForTests } from "../../src/server/http/trust";
import { describeEachDriver } from "../support/db";

const lines: Record<string, unknown>[] = [];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const params = { params: Promise.resolve({}) };

describeEachDriver("request ids and request logs", (ctx) => {
  beforeAll(() => {
    useDbHandle(ctx.handle);
    setLogSinkForTests({ write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    setLogLevel("info");
  });
  afterEach(() => {
    lines.length = 0;
    setTrustForTests(undefined);
  });
  afterAll(() => {
    setLogLevel("warn");
    setLogSinkForTests(null);
    useDbHandle(undefined);
  });

  it("every API answer carries a new X-Request-Id and writes one JSON line with method, path, status, duration and the id", async () => {
    const a = await health(new Request("http://localhost/api/health?x=secret"), params);
    const b = await health(new Request("http://localhost/api/health"), params);
    const idA = a.headers.get("x-request-id")!;
    expect(idA).toMatch(UUID);
    expect(b.headers.get("x-request-id")).toMatch(UUID);
    expect(b.headers.get("x-request-id")).not.toBe(idA);
    const requestLines = lines.filter((l) => l.msg === "request");
    expect(requestLines).toHaveLength(2);
    expect(requestLines[0]).toMatchObject({ level: "info", method: "GET", path: "/api/health", status: 200, request_id: idA });
    expect(typeof requestLines[0]!.duration_ms).toBe("number");
    expect(String(requestLines[0]!.time)).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // The query string is not logged.
    expect(JSON.stringify(requestLines)).not.toContain("secret");
  });

  it("error answers carry the id too, and their line has the status", async () => {
    const res = await me(new Request("http://localhost/api/v1/auth/me"), params);
    expect(res.status).toBe(401);
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(UUID);
    expect(lines.find((l) => l.msg === "request")).toMatchObject({ path: "/api/v1/auth/me", status: 401, request_id: id });
  });

  it("takes X-Request-Id from a trusted proxy only, and only when it looks like an id", async () => {
    setTrustForTests({ proxyHops: 1 });
    const trusted = await health(new Request("http://localhost/api/health", { headers: { "x-request-id": "lb-7f3a.42", "x-forwarded-for": "198.51.100.7" } }), params);
    expect(trusted.headers.get("x-request-id")).toBe("lb-7f3a.42");
    const hostile = await health(new Request("http://localhost/api/health", { headers: { "x-request-id": "a b\"}{", "x-forwarded-for": "198.51.100.7" } }), params);
    expect(hostile.headers.get("x-request-id")).toMatch(UUID);

    setTrustForTests({ proxyHops: 0 });
    const direct = await health(new Request("http://localhost/api/health", { headers: { "x-request-id": "client-chosen-id" } }), params);
    expect(direct.headers.get("x-request-id")).toMatch(UUID);
  });
});
