import { describe, expect, it } from "vitest";
import { ApiError, createApiClient, NetworkError } from "../../src/lib/api/client";

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

describe("typed API client", () => {
  it("401 → refresh once and retry; a failed refresh throws the 401 for the sign-in screen", async () => {
    const answers = [json(401, { error: { code: "UNAUTHORIZED", message: "Sign in" } }), json(200, { ok: 1 })];
    let refreshes = 0;
    const c = createApiClient({ fetch: async () => answers.shift()!, onUnauthorized: async () => (++refreshes, true) });
    expect(await c.request<{ ok: number }>("/api/v1/auth/me")).toEqual({ ok: 1 });
    expect(refreshes).toBe(1);

    const c2 = createApiClient({ fetch: async () => json(401, { error: { code: "UNAUTHORIZED", message: "Sign in" } }), onUnauthorized: async () => false });
    await expect(c2.request("/api/v1/auth/me")).rejects.toMatchObject({ status: 401, code: "UNAUTHORIZED", permanent: false });
  });

  it("429 waits the Retry-After seconds once, then throws with retryAfterS", async () => {
    const waits: number[] = [];
    const answers = [json(429, { error: { code: "RATE_LIMITED", message: "slow", retry_after_s: 3 } }, { "retry-after": "3" }), json(200, { ok: 2 })];
    const c = createApiClient({ fetch: async () => answers.shift()!, sleep: async (ms) => void waits.push(ms) });
    expect(await c.request("/x")).toEqual({ ok: 2 });
    expect(waits).toEqual([3000]);

    const c2 = createApiClient({ fetch: async () => json(429, { error: { code: "RATE_LIMITED", message: "slow" } }, { "retry-after": "5" }), sleep: async () => {}, retries429: 0 });
    await expect(c2.request("/x")).rejects.toMatchObject({ status: 429, retryAfterS: 5 });
  });

  it("maps the error shape, marks 4xx refusals permanent, and network failures as NetworkError", async () => {
    const c = createApiClient({ fetch: async () => json(400, { error: { code: "VALIDATION_FAILED", message: "lat: too big", field: "lat" } }) });
    const err = (await c.request("/x", { body: {} }).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect([err.status, err.code, err.field, err.permanent]).toEqual([400, "VALIDATION_FAILED", "lat", true]);
    const down = createApiClient({ fetch: async () => Promise.reject(new TypeError("Failed to fetch")) });
    await expect(down.request("/x")).rejects.toBeInstanceOf(NetworkError);
    expect(new ApiError(503, "X", "m").permanent).toBe(false);
  });

  it("sends JSON with its content type, FormData as multipart, same-origin credentials", async () => {
    const seen: RequestInit[] = [];
    const c = createApiClient({ fetch: async (_u, init) => (seen.push(init!), json(201, {})) });
    await c.request("/a", { body: { a: 1 } });
    const form = new FormData();
    form.set("meta", "{}");
    await c.request("/b", { body: form });
    expect(seen[0]).toMatchObject({ method: "POST", body: '{"a":1}', credentials: "same-origin", headers: { "content-type": "application/json" } });
    expect(seen[1]!.body).toBe(form);
    expect((seen[1]!.headers as Record<string, string>)["content-type"]).toBeUndefined();
  });
});
