import { expect, test } from "@playwright/test";

/**
 * What only the real server shows (issue #12 item 7): the framework's own answers for unknown paths,
 * wrong methods, TRACE and malformed percent-encoding come out in the API's JSON error shape.
 */
test.describe("/api/v1 answers JSON errors from the real server", () => {
  const expectError = async (res: import("@playwright/test").APIResponse, status: number, code: string) => {
    expect(res.status()).toBe(status);
    expect(res.headers()["content-type"]).toMatch(/^application\/json/);
    expect((await res.json()).error.code).toBe(code);
  };

  test("an unknown path is a JSON 404, not an HTML page", async ({ request }) => {
    await expectError(await request.get("/api/v1/no/such/path"), 404, "NOT_FOUND");
    await expectError(await request.post("/api/v1/nothing-here", { data: {} }), 404, "NOT_FOUND");
  });

  // Next 16 builds a WHATWG Request before any app code runs, and undici refuses TRACE (a framework 500): the
  // production server's door (scripts/door.mjs) answers it with the gate's JSON 405 before Next sees it.
  test("TRACE is a JSON 405, on API paths and pages", async ({ request }) => {
    await expectError(await request.fetch("/api/v1/visits", { method: "TRACE" }), 405, "METHOD_NOT_ALLOWED");
    await expectError(await request.fetch("/api/v1/visits/check-in", { method: "TRACE" }), 405, "METHOD_NOT_ALLOWED");
    await expectError(await request.fetch("/login", { method: "TRACE" }), 405, "METHOD_NOT_ALLOWED");
  });

  test("a wrong method on a known path is a JSON 405 with Allow", async ({ request }) => {
    const put = await request.fetch("/api/v1/visits/check-in", { method: "PUT", data: {} });
    await expectError(put, 405, "METHOD_NOT_ALLOWED");
    expect(put.headers()["allow"]).toBe("OPTIONS, POST");
  });

  test("malformed percent-encoding in a path is a JSON 400", async ({ request }) => {
    await expectError(await request.get("/api/v1/visits/%zz"), 400, "INVALID_PATH");
  });

  test("a 2 MB body without credentials is 413 before any sign-in work", async ({ request }) => {
    const res = await request.post("/api/v1/auth/login", { headers: { "content-type": "application/json" }, data: JSON.stringify({ email: "x".repeat(2_000_000) }) });
    await expectError(res, 413, "PAYLOAD_TOO_LARGE");
  });
});
