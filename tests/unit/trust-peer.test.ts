/**
 * The door (scripts/door.mjs, plain JavaScript) and the app's trust rule (src/server/http/trust.ts) agree on the mark
 * and the header: once a door is created in the process, its header names the client; before, nothing does.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createDoor, DOOR_MARK, PEER_HEADER } from "../../scripts/door.mjs";
import { doorPeerAddress, setTrustForTests, trustedClientIp } from "../../src/server/http/trust";

describe("the peer address header", () => {
  afterEach(() => {
    delete (globalThis as Record<symbol, unknown>)[DOOR_MARK];
    setTrustForTests(undefined);
  });

  it("is believed only while a door runs in this process, and only without trusted proxies", () => {
    const headers = new Headers({ [PEER_HEADER]: "198.51.100.7", "x-forwarded-for": "203.0.113.9" });
    setTrustForTests({ proxyHops: 0 });
    expect(doorPeerAddress(headers)).toBeNull();
    expect(trustedClientIp(headers)).toBeNull();
    createDoor({ routes: new Map(), gate: () => null, next: null });
    expect(doorPeerAddress(headers)).toBe("198.51.100.7");
    expect(trustedClientIp(headers)).toBe("198.51.100.7");
    // Behind a proxy the socket's peer is the proxy: X-Forwarded-For decides, as before.
    setTrustForTests({ proxyHops: 1 });
    expect(trustedClientIp(headers)).toBe("203.0.113.9");
  });

  it("refuses what cannot be an address", () => {
    createDoor({ routes: new Map(), gate: () => null, next: null });
    setTrustForTests({ proxyHops: 0 });
    expect(trustedClientIp(new Headers({ [PEER_HEADER]: "1.2.3.4, 5.6.7.8" }))).toBeNull();
    expect(trustedClientIp(new Headers())).toBeNull();
  });
});
