/**
 * Bounded work per request (issue #17 item 0) and numbers that cannot be stored (item 7): the anonymous
 * 1 MB `{"pad":[0,0,…]}` sign-in is refused on size before it is parsed, a large array to an authenticated
 * route is refused on its value count before any walk or schema, absurd nesting is a 400, and a subnormal
 * or out-of-range number is a 400 naming the field, never a 500 from PostgreSQL. Nothing is written.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { POST as loginRoute } from "../../src/app/api/v1/auth/login/route";
import { POST as refreshRoute } from "../../src/app/api/v1/auth/refresh/route";
import { POST as pingsRoute } from "../../src/app/api/v1/tracking/pings/route";
import { POST as checkInRoute } from "../../src/app/api/v1/visits/check-in/route";
import { MAX_INPUT_VALUES } from "../../src/contracts/safe-text";
import { useDbHandle } from "../../src/server/db";
import { PUBLIC_BODY_MAX_BYTES } from "../../src/server/http/api";
import type { Actor } from "../../src/server/auth/actor";
import { describeEachDriver } from "../support/db";
import { call, isoAgo, makeLocation, makePerson, uuid, writeCounts } from "../support/visits-world";

const padBody = (n: number) => `{"pad":[${"0,".repeat(n - 1)}0]}`;

describeEachDriver("hardening: bounded work per request", (ctx) => {
  let rep: Actor, loc: number;

  beforeAll(async () => {
    useDbHandle(ctx.handle);
    const admin = await makePerson(ctx.handle.db, "admin");
    rep = await makePerson(ctx.handle.db, "rep", admin.id);
    loc = await makeLocation(ctx.handle.db, 12.9716, 77.5946);
  });

  describe("size, depth and value count before any walk", () => {
    it("the anonymous 1 MB {\"pad\":[0,0,…]} sign-in is 413 on size, as are refresh bodies past the public limit", async () => {
      const body = padBody(500_000);
      expect(body.length).toBeGreaterThan(999_000);
      const login = await call(loginRoute, "/api/v1/auth/login", { raw: body });
      expect(login.status).toBe(413);
      expect(login.body.error).toMatchObject({ code: "PAYLOAD_TOO_LARGE", max_bytes: PUBLIC_BODY_MAX_BYTES });
      const refresh = await call(refreshRoute, "/api/v1/auth/refresh", { raw: padBody(10_000) });
      expect(refresh.status).toBe(413);
    });

    it("a sign-in body within the public limit still reaches the schema (400 naming the unknown key)", async () => {
      const login = await call(loginRoute, "/api/v1/auth/login", { raw: padBody(5_000) });
      expect(login.status).toBe(400);
      expect(login.body.error.code).toBe("VALIDATION_FAILED");
    });

    it("a 900 KB array to an authenticated route is 413 on its value count, and writes nothing", async () => {
      const before = await writeCounts(ctx.handle.db);
      for (const [handler, url] of [
        [checkInRoute, "/api/v1/visits/check-in"],
        [pingsRoute, "/api/v1/tracking/pings"],
      ] as const) {
        const res = await call(handler, url, { as: rep.id, raw: padBody(450_000) });
        expect(res.status, url).toBe(413);
        expect(res.body.error).toMatchObject({ code: "PAYLOAD_TOO_LARGE", max_values: MAX_INPUT_VALUES });
      }
      // Just past the limit is refused the same way; the limit itself is generous for real batches.
      const over = await call(checkInRoute, "/api/v1/visits/check-in", { as: rep.id, raw: padBody(MAX_INPUT_VALUES) });
      expect(over.status).toBe(413);
      expect(await writeCounts(ctx.handle.db)).toEqual(before);
    });

    it("nesting deeper than the limit is 400, even when the text is one long run of brackets", async () => {
      const deep = await call(checkInRoute, "/api/v1/visits/check-in", { as: rep.id, raw: `{"a":${"[".repeat(200_000)}${"]".repeat(200_000)}}` });
      expect(deep.status).toBe(400);
      expect(deep.body.error.code).toBe("VALIDATION_FAILED");
      const unclosed = await call(loginRoute, "/api/v1/auth/login", { raw: "[".repeat(10_000) });
      expect(unclosed.status).toBe(400);
    });
  });

  describe("numbers PostgreSQL cannot store are 400 with the field", () => {
    it.each([
      ["5e-324", "pings.0.accuracy_m"],
      ["-5e-324", "pings.0.accuracy_m"],
      ["1e-40", "pings.0.accuracy_m"],
      ["1e309", "pings.0.accuracy_m"],
    ])("a ping with accuracy_m = %s", async (n, field) => {
      const before = await writeCounts(ctx.handle.db);
      const raw = `{"pings":[{"client_id":"${uuid()}","lat":12.97,"lon":77.59,"accuracy_m":${n},"captured_at":"${isoAgo(60_000)}"}]}`;
      const res = await call(pingsRoute, "/api/v1/tracking/pings", { as: rep.id, raw });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: "VALIDATION_FAILED", field });
      expect(await writeCounts(ctx.handle.db)).toEqual(before);
    });

    it("a subnormal in a check-in's coordinates or accuracy is 400 with the field", async () => {
      for (const key of ["lat", "lon", "accuracy_m", "location_id"]) {
        const body = { client_id: uuid(), location_id: loc, lat: 12.9716, lon: 77.5946, accuracy_m: 8, captured_at: isoAgo(1000) };
        const raw = JSON.stringify(body).replace(new RegExp(`"${key}":[^,]+`), `"${key}":4.9e-324`);
        const res = await call(checkInRoute, "/api/v1/visits/check-in", { as: rep.id, raw });
        expect(res.status, key).toBe(400);
        expect(res.body.error.field).toBe(key);
      }
    });
  });
});
