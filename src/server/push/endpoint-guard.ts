import "server-only";
import { lookup } from "node:dns/promises";
import { Agent } from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { env } from "@/env";
import { AppError } from "../errors";

/**
 * Push endpoints are URLs a user hands the server, which then connects to them (on /push/test and from the
 * reminder jobs): without a check that is a server-side request forgery into loopback, the private network or
 * cloud metadata (issue #17 item 0). An endpoint must be `https` on a host whose every address is public; the
 * check runs at registration and again before each send (DNS can change), and the connection itself is pinned
 * to the addresses that were checked (the agent's `lookup`), so a rebinding answer between check and connect
 * cannot redirect it.
 */

// Two lists: a BlockList matches IPv4 addresses against IPv6 rules as v4-mapped (so ::ffff:0:0/96 would block all of IPv4).
const blocked4 = new BlockList();
const blocked6 = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this" network
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  blocked4.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["::ffff:0:0", 96], // IPv4-mapped
  ["64:ff9b::", 96], // NAT64 (embeds an IPv4 address)
  ["64:ff9b:1::", 48], // local NAT64
  ["100::", 64], // discard
  ["2001::", 23], // IETF protocol assignments (Teredo included)
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4 (embeds an IPv4 address)
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const) {
  blocked6.addSubnet(net, prefix, "ipv6");
}
const globalUnicast6 = new BlockList();
globalUnicast6.addSubnet("2000::", 3, "ipv6");

/** True when `ip` is a public unicast address: none of the loopback, private, link-local, ULA, CGNAT, multicast… ranges. */
export function isPublicAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return !blocked4.check(ip, "ipv4");
  if (family === 6) return globalUnicast6.check(ip, "ipv6") && !blocked6.check(ip, "ipv6");
  return false;
}

/**
 * How endpoints are checked and reached. Production passes nothing. Tests reach a local push service through
 * `allowAddresses` (exact addresses let through despite not being public) and `ca` (its self-signed certificate),
 * passed as a function argument by the test; this option has no environment variable and is refused when
 * NODE_ENV is production, so no configuration can turn it on.
 */
export type PushNetwork = {
  allowAddresses?: readonly string[];
  ca?: string | Buffer;
  /** DNS resolution (default: the system resolver, every address of the name). */
  resolve?: (host: string) => Promise<string[]>;
};

const systemResolve = async (host: string) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

export const endpointRefused = (why: string) => new AppError("VALIDATION_FAILED", `The push endpoint is not allowed: ${why}.`, { field: "endpoint" });

/**
 * The addresses a push endpoint may be reached at, checked now: `https` only, every resolved address public (or
 * allowed by the test network). Throws endpointRefused otherwise (a name that does not resolve included).
 */
export async function checkPushEndpoint(endpoint: string, net: PushNetwork = {}): Promise<string[]> {
  if (net.allowAddresses && env.NODE_ENV === "production") throw new Error("push: allowAddresses is a test-only option");
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw endpointRefused("it is not a URL");
  }
  if (url.protocol !== "https:") throw endpointRefused("it must use https");
  if (url.username || url.password) throw endpointRefused("it must not carry credentials");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await (net.resolve ?? systemResolve)(host);
    } catch {
      throw endpointRefused(`its host ${host} does not resolve`);
    }
  }
  if (addresses.length === 0) throw endpointRefused(`its host ${host} does not resolve`);
  const allowed = new Set(net.allowAddresses ?? []);
  const bad = addresses.find((a) => !isPublicAddress(a) && !allowed.has(a));
  if (bad) throw endpointRefused(`${host} resolves to ${bad}, which is not a public address`);
  return addresses;
}

/** An HTTPS agent whose connections go only to `addresses` (already checked): a later DNS answer is never used. */
export function pinnedAgent(addresses: string[], net: PushNetwork = {}): Agent {
  const pinned: LookupFunction = (_host, options, callback) => {
    const all = addresses.map((address) => ({ address, family: isIP(address) }));
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: typeof all) => void)(null, all);
    else callback(null, all[0]!.address, all[0]!.family);
  };
  return new Agent({ lookup: pinned, maxSockets: 4, ...(net.ca ? { ca: net.ca } : {}) });
}
