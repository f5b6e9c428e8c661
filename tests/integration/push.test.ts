import { execFileSync } from "node:child_process";
import { createECDH, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { decrypt } from "http_ece";
import { afterAll, beforeAll, expect, it } from "vitest";
import { localDate } from "../../src/lib/time";
import type { Actor } from "../../src/server/auth/actor";
import { queryRows } from "../../src/server/db/client";
import { subscribePush, unsubscribePush } from "../../src/server/push/push-subscriptions";
import { sendFirstVisitReminders, sendOpenVisitReminders } from "../../src/server/push/reminders";
import { sendTestPush } from "../../src/server/push/send-push";
import type { PushNetwork } from "../../src/server/push/endpoint-guard";
import { describeEachDriver } from "../support/db";
import { makeLocation, makePerson } from "../support/visits-world";

/** A local push service over HTTPS (self-signed, made here with openssl) that records what it receives. */
type Received = { url: string; headers: Record<string, string | string[] | undefined>; body: Buffer };
let server: Server;
/** The test-only way to the local push service (an argument, never configuration): its address and certificate. */
let net: PushNetwork;
let port = 0;
const received: Received[] = [];
let answer = 201;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "push-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
  const cert = readFileSync(path.join(dir, "cert.pem"));
  net = { allowAddresses: ["127.0.0.1"], ca: cert };
  server = createServer({ key: readFileSync(path.join(dir, "key.pem")), cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** A browser-side subscription: its own P-256 key pair and auth secret, so this test can decrypt like a browser. */
function device(name: string) {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = randomBytes(16).toString("base64url");
  return { ecdh, auth, sub: { endpoint: `https://127.0.0.1:${port}/push/${name}`, keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth } } };
}

describeEachDriver("web push", (ctx) => {
  let rep: Actor;
  beforeAll(async () => {
    rep = await makePerson(ctx.handle.db, "rep");
  });
  const at = (now: Date) => ({ db: ctx.handle.db, actor: rep, now });

  it("a test notification arrives encrypted (aes128gcm, VAPID) and decrypts to the payload; 410 removes the subscription", async () => {
    received.length = 0;
    const phone = device(`phone-${ctx.driver}`);
    await subscribePush(at(new Date()), phone.sub, "test-agent", net);
    const result = await sendTestPush(at(new Date()), net);
    expect(result).toEqual({ sent: 1, failed: 0, removed: 0 });
    expect(received).toHaveLength(1);
    const msg = received[0]!;
    expect(msg.headers["content-encoding"]).toBe("aes128gcm");
    expect(String(msg.headers.authorization)).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]+$/);
    expect(msg.body.includes(Buffer.from("Notifications work"))).toBe(false);
    const plain = decrypt(msg.body, { version: "aes128gcm", privateKey: phone.ecdh, authSecret: phone.auth });
    expect(JSON.parse(plain.toString("utf8"))).toEqual({ title: "Fieldbeat test", body: "Notifications work on this device.", url: "/rep", tag: "test" });

    answer = 410;
    expect(await sendTestPush(at(new Date()), net)).toEqual({ sent: 0, failed: 0, removed: 1 });
    answer = 201;
    const left = await queryRows(ctx.handle.db, sql`SELECT 1 FROM push_subscriptions WHERE personnel_id = ${rep.id}`);
    expect(left).toHaveLength(0);
  });

  it("keeps one VAPID key pair; sign-out removes the device's subscription", async () => {
    const a = device(`a-${ctx.driver}`);
    await subscribePush(at(new Date()), a.sub, null, net);
    await subscribePush(at(new Date()), a.sub, null, net);
    expect(await queryRows(ctx.handle.db, sql`SELECT 1 FROM push_subscriptions WHERE endpoint = ${a.sub.endpoint}`)).toHaveLength(1);
    expect(await queryRows(ctx.handle.db, sql`SELECT 1 FROM vapid_keys`)).toHaveLength(1);
    expect(await unsubscribePush(at(new Date()), { endpoint: a.sub.endpoint })).toEqual({ removed: 1 });
    expect(await unsubscribePush(at(new Date()), { endpoint: a.sub.endpoint })).toEqual({ removed: 0 });
  });

  it("reminds once before the first planned visit and once for a visit open 3 hours, whatever the runs (injected clock)", async () => {
    const db = ctx.handle.db;
    const phone = device(`rem-${ctx.driver}`);
    await subscribePush(at(new Date()), phone.sub, null, net);
    const day = new Date("2026-03-18T03:00:00Z"); // 08:30 in Kolkata
    const date = localDate(day, "Asia/Kolkata");
    const loc = await makeLocation(db, 12.97, 77.59);
    await db.execute(sql`INSERT INTO planned_visits (personnel_id, location_id, planned_date, sequence, planned_time) VALUES (${rep.id}, ${loc}, ${date}, 1, '09:30'), (${rep.id}, ${loc}, ${date}, 2, '10:45')`);
    received.length = 0;
    expect(await sendFirstVisitReminders({ db, now: day }, net)).toMatchObject({ due: 0 }); // 08:30: too early
    const nine = new Date("2026-03-18T03:35:00Z"); // 09:05
    expect(await sendFirstVisitReminders({ db, now: nine }, net)).toEqual({ due: 1, sent: 1, skipped: 0 });
    expect(await sendFirstVisitReminders({ db, now: new Date(nine.getTime() + 5 * 60_000) }, net)).toEqual({ due: 1, sent: 0, skipped: 1 });
    expect(JSON.parse(decrypt(received[0]!.body, { version: "aes128gcm", privateKey: phone.ecdh, authSecret: phone.auth }).toString())).toMatchObject({ title: "First visit at 09:30", url: "/rep?screen=today" });

    const checkIn = new Date("2026-03-18T04:00:00Z");
    await db.execute(sql`INSERT INTO visits (personnel_id, location_id, planned_date, check_in_time) VALUES (${rep.id}, ${loc}, ${date}, ${checkIn.toISOString()})`);
    expect(await sendOpenVisitReminders({ db, now: new Date(checkIn.getTime() + 2 * 3600_000) }, net)).toMatchObject({ due: 0 });
    const later = new Date(checkIn.getTime() + 3 * 3600_000 + 60_000);
    expect(await sendOpenVisitReminders({ db, now: later }, net)).toEqual({ due: 1, sent: 1, skipped: 0 });
    expect(await sendOpenVisitReminders({ db, now: new Date(later.getTime() + 600_000) }, net)).toEqual({ due: 1, sent: 0, skipped: 1 });
    expect(received).toHaveLength(2);
    // A tap on it opens the Visit screen of that customer (the service worker navigates there; the app reads it).
    expect(JSON.parse(decrypt(received[1]!.body, { version: "aes128gcm", privateKey: phone.ecdh, authSecret: phone.auth }).toString())).toMatchObject({ title: "Visit still open", url: `/rep?screen=visit&location=${loc}` });
  });
});
