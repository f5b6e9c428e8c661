/**
 * Push endpoints cannot point the server at itself or its network (issue #17 item 0): only https on public
 * addresses, checked at registration and again before each send (a name that later resolves to loopback is not
 * contacted), and at most MAX_PUSH_SUBSCRIPTIONS_PER_PERSON devices per person (the oldest is replaced).
 */
import { createServer, type Server } from "node:http";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as subscribeRoute } from "../../src/app/api/v1/push/subscriptions/route";
import { POST as testPushRoute } from "../../src/app/api/v1/push/test/route";
import type { Actor } from "../../src/server/auth/actor";
import { queryRows } from "../../src/server/db/client";
import { useDbHandle } from "../../src/server/db";
import { isPublicAddress, type PushNetwork } from "../../src/server/push/endpoint-guard";
import { MAX_PUSH_SUBSCRIPTIONS_PER_PERSON, subscribePush } from "../../src/server/push/push-subscriptions";
import { sendTestPush } from "../../src/server/push/send-push";
import { describeEachDriver } from "../support/db";
import { call, makePerson } from "../support/visits-world";

const keys = { p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM", auth: "tBHItJI5svbpez7KI4CCXg" };

/** A plain listener on loopback that counts every connection: a refused endpoint must never reach it. */
let listener: Server;
let port = 0;
let connections = 0;
beforeAll(async () => {
  listener = createServer((_req, res) => res.writeHead(201).end());
  listener.on("connection", () => connections++);
  await new Promise<void>((r) => listener.listen(0, "127.0.0.1", r));
  port = (listener.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => listener.close(() => r())));

describe("isPublicAddress", () => {
  it.each(["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1", "fc00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:8.8.8.8", "64:ff9b::a00:1", "2002:a00:1::", "2001:db8::1", "not-an-ip"])(
    "%s is not public",
    (ip) => expect(isPublicAddress(ip)).toBe(false),
  );
  it.each(["8.8.8.8", "1.1.1.1", "142.250.183.10", "2606:4700:4700::1111", "2a00:1450:4009:81f::200a"])("%s is public", (ip) => expect(isPublicAddress(ip)).toBe(true));
});

describeEachDriver("push endpoints: https on public addresses only", (ctx) => {
  let rep: Actor;
  beforeAll(async () => {
    useDbHandle(ctx.handle);
    rep = await makePerson(ctx.handle.db, "rep");
  });
  const at = () => ({ db: ctx.handle.db, actor: rep, now: new Date("2026-03-18T05:00:00Z") });

  it("registration refuses loopback, private, link-local, ULA, CGNAT, multicast, mapped addresses, names resolving there, and http (400, field endpoint)", async () => {
    const before = await queryRows(ctx.handle.db, sql`SELECT id FROM push_subscriptions`);
    for (const endpoint of [
      `https://127.0.0.1:${port}/p`,
      "https://[::1]/p",
      "https://10.0.0.5/p",
      "https://169.254.169.254/latest/meta-data",
      "https://[::ffff:127.0.0.1]/p",
      "https://[fd12:3456::1]/p",
      "https://100.64.1.1/p",
      "https://224.0.0.251/p",
      "https://localhost/p",
      "https://2130706433/p", // 127.0.0.1 written as one number: URL normalises it, still loopback
      "http://fcm.googleapis.com/p",
    ]) {
      const r = await call(subscribeRoute, "/api/v1/push/subscriptions", { as: rep.id, body: { endpoint, keys } });
      expect(r.status, endpoint).toBe(400);
      expect(r.body.error).toMatchObject({ code: "VALIDATION_FAILED", field: "endpoint" });
    }
    expect(await queryRows(ctx.handle.db, sql`SELECT id FROM push_subscriptions`)).toEqual(before);
    expect(connections).toBe(0);
  });

  it("checks again before each send: a name that now resolves to loopback is not contacted, and the failure is recorded", async () => {
    let answer = ["93.184.216.34"];
    const net: PushNetwork = { resolve: async () => answer };
    const endpoint = `https://push.rebinding.test:${port}/sub/${ctx.driver}`;
    await subscribePush(at(), { endpoint, keys }, null, net);
    answer = ["127.0.0.1"];
    const result = await sendTestPush(at(), net);
    expect(result).toEqual({ sent: 0, failed: 1, removed: 0 });
    expect(connections).toBe(0);
    const [row] = await queryRows<{ last_error: string }>(ctx.handle.db, sql`SELECT last_error FROM push_subscriptions WHERE endpoint = ${endpoint}`);
    expect(row!.last_error).toMatch(/127\.0\.0\.1.*not a public address/);
    // The production route has no allowance at all: the same loopback answer is refused there too.
    const viaRoute = await call(testPushRoute, "/api/v1/push/test", { as: rep.id, method: "POST" });
    expect(viaRoute.status).toBe(200);
    expect(connections).toBe(0);
    await ctx.handle.db.execute(sql`DELETE FROM push_subscriptions WHERE personnel_id = ${rep.id}`);
  });

  it(`keeps at most ${MAX_PUSH_SUBSCRIPTIONS_PER_PERSON} devices per person: registering one more replaces the oldest`, async () => {
    const person = await makePerson(ctx.handle.db, "rep");
    const net: PushNetwork = { resolve: async () => ["93.184.216.34"] };
    const endpoints = Array.from({ length: MAX_PUSH_SUBSCRIPTIONS_PER_PERSON + 2 }, (_, i) => `https://push.example.test/cap-${ctx.driver}-${person.id}-${i}`);
    for (const [i, endpoint] of endpoints.entries()) {
      await subscribePush({ db: ctx.handle.db, actor: person, now: new Date(Date.UTC(2026, 2, 18, 5, i)) }, { endpoint, keys }, null, net);
    }
    const rows = await queryRows<{ endpoint: string }>(ctx.handle.db, sql`SELECT endpoint FROM push_subscriptions WHERE personnel_id = ${person.id} ORDER BY endpoint`);
    expect(rows.map((r) => r.endpoint)).toEqual(endpoints.slice(2).sort());
  });
});
