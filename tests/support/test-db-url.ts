/** Tests only ever touch a database on this machine. */
export function requireLocalUrl(url: string): URL {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  const local = host === "localhost" || host === "::1" || /^127\./.test(host) || host === "" || parsed.searchParams.get("host")?.startsWith("/");
  if (!local) throw new Error(`TEST_DATABASE_URL must point at this machine (localhost/127.x/::1/socket), got host "${host}": tests drop and create databases.`);
  return parsed;
}

export function withDatabase(url: URL, name: string): string {
  const u = new URL(url.toString());
  u.pathname = `/${name}`;
  return u.toString();
}

/** Drops database `name` on the server of `url` (connected through its `postgres` database), sessions and all. */
export async function dropDatabase(url: URL, name: string): Promise<void> {
  const { default: postgres } = await import("postgres");
  const admin = postgres(withDatabase(url, "postgres"), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
