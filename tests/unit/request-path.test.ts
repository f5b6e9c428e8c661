import { describe, expect, it } from "vitest";
import { pathOf } from "../../src/server/http/request-log";

/** The request log and the request-duration metric name a request by its path: the URL's, as the URL parser reads it. */
describe("pathOf (a request's path for its log line and metric)", () => {
  const urls = [
    "http://127.0.0.1:3300/api/health",
    "http://localhost/api/v1/locations/nearby?lat=12.9&lon=77.6&radius=5000",
    "https://fieldbeat.example.com/api/v1/visits/123/check-out?x=1#frag",
    "https://user:pa%2Fss@fieldbeat.example.com:8443/api/v1/reports/daily.csv",
    "http://[::1]:3000/api/v1/tracking/pings",
    "http://example.com",
    "http://example.com/?only=query",
    "http://example.com/a#b?c",
    "http://example.com/a/../b/./c/%7Euser/caf%C3%A9 x",
    "http://example.com/api/v1/customers?q=a/b?c",
  ];
  // A web Request's url is the URL parser's serialisation (href) of what it was given.
  it.each(urls)("%s: the same path as new URL(…).pathname", (raw) => {
    const url = new URL(raw).href;
    expect(pathOf(url)).toBe(new URL(url).pathname);
  });

  it("keeps a value that is not an absolute URL as it is", () => {
    expect(pathOf("/api/health")).toBe("/api/health");
  });
});
