import { eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, expect, it } from "vitest";
import { GET as me } from "../../src/app/api/v1/auth/me/route";
import { actorCacheFor } from "../../src/server/auth/actor-cache";
import { issueAccessToken } from "../../src/server/auth/tokens";
import { queryRows, useDbHandle, type DbHandle } from "../../src/server/db";

const pointAppAt = useDbHandle; // not a React hook: the app's database for the route handlers called next
import { personnel } from "../../src/server/db/schema";
import { deactivatePerson } from "../../src/server/personnel/deactivate-person";
import { reactivatePerson } from "../../src/server/personnel/reactivate-person";
import { describeEachDriver, serverUrlOf } from "../support/db";
import { bearer, call, makePeople, type People } from "./api-auth-support";

/**
 * The API's actor cache (docs/decisions/0013-hot-path.md): entries are really served from memory, and any change
 * to the person — through a use-case on another instance or a manual UPDATE — cuts access at the next request.
 */
describeEachDriver("actor cache", (ctx) => {
  let people: People;
  beforeAll(async () => {
    people = await makePeople(ctx.handle.db);
  });
  afterEach(() => useDbHandle(undefined));

  const meAs = async (handle: DbHandle, token: string) => {
    pointAppAt(handle);
    return call(me, "/api/v1/auth/me", { headers: bearer(token) });
  };

  it("is only on a PostgreSQL server (the embedded database reads in-process)", () => {
    expect(actorCacheFor(ctx.handle) === null).toBe(ctx.driver === "pglite");
  });

  it.skipIf(ctx.driver !== "postgres")("serves a known person from memory: a change the cache is not told about is not seen", async () => {
    const token = await issueAccessToken(people.manager, new Date());
    // The first read also starts the listener (a read racing its start is not stored); the second is cached.
    expect((await meAs(ctx.handle, token)).status).toBe(200);
    expect((await meAs(ctx.handle, token)).status).toBe(200);
    const [before] = await queryRows<{ name: string }>(ctx.handle.db, sql`SELECT name FROM personnel WHERE id = ${people.manager}`);
    // Silence the notification for one change: only a cache hit can still answer the old name.
    await ctx.handle.db.execute(sql`ALTER TABLE personnel DISABLE TRIGGER personnel_notify`);
    try {
      await ctx.handle.db.execute(sql`UPDATE personnel SET name = 'Renamed Quietly' WHERE id = ${people.manager}`);
      const cached = await meAs(ctx.handle, token);
      expect(cached.status).toBe(200);
      expect(cached.json.name).toBe(before!.name);
    } finally {
      await ctx.handle.db.execute(sql`ALTER TABLE personnel ENABLE TRIGGER personnel_notify`);
    }
    // With the trigger back, the next change is heard and the row read again.
    await ctx.handle.db.execute(sql`UPDATE personnel SET name = ${before!.name} WHERE id = ${people.manager}`);
    const fresh = await meAs(ctx.handle, token);
    expect(fresh.json.name).toBe(before!.name);
  });

  it.skipIf(ctx.driver !== "postgres")("two instances: a deactivation through one, or a manual UPDATE, cuts the other's cached person at the next request", async () => {
    const { openPostgres } = await import("../../src/server/db/client");
    const other = await openPostgres({ url: serverUrlOf(ctx.handle), max: 2 });
    try {
      const token = await issueAccessToken(people.rep, new Date());
      expect((await meAs(ctx.handle, token)).status).toBe(200);
      expect((await meAs(ctx.handle, token)).status).toBe(200); // now from instance A's cache

      // Instance B deactivates the rep through the use-case (an admin acting there).
      useDbHandle(other);
      const admin = { id: people.admin, role: "admin" as const, name: "Admin", email: "a@x", via: "session" as const, readOnly: false };
      await deactivatePerson({ db: other.db, actor: admin, now: new Date() }, { client_id: crypto.randomUUID(), id: people.rep });
      expect((await meAs(ctx.handle, token)).status).toBe(401);

      useDbHandle(other);
      await reactivatePerson({ db: other.db, actor: admin, now: new Date() }, { client_id: crypto.randomUUID(), id: people.rep });
      const fresh = await issueAccessToken(people.rep, new Date(Date.now() + 1000));
      expect((await meAs(ctx.handle, fresh)).status).toBe(200);
      expect((await meAs(ctx.handle, fresh)).status).toBe(200);

      // A manual UPDATE through B's pool, then straight to A.
      await other.db.update(personnel).set({ active: false }).where(eq(personnel.id, people.rep));
      expect((await meAs(ctx.handle, fresh)).status).toBe(401);
      await other.db.update(personnel).set({ active: true }).where(eq(personnel.id, people.rep));
      expect((await meAs(ctx.handle, fresh)).status).toBe(200);
      // A password reset / sign-out everywhere (tokens_valid_after) the same way.
      await other.db.update(personnel).set({ tokensValidAfter: new Date(Date.now() + 2000) }).where(eq(personnel.id, people.rep));
      expect((await meAs(ctx.handle, fresh)).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it.skipIf(ctx.driver !== "postgres")("when the listener connection drops, nothing cached before is trusted", async () => {
    const token = await issueAccessToken(people.other, new Date());
    expect((await meAs(ctx.handle, token)).status).toBe(200);
    expect((await meAs(ctx.handle, token)).status).toBe(200);
    // Kill the listener, change the person with notifications off (as if sent while nobody listened), and ask again.
    await ctx.handle.db.execute(sql`ALTER TABLE personnel DISABLE TRIGGER personnel_notify`);
    try {
      await ctx.handle.db.execute(sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'fieldbeat-actor-cache' AND datname = current_database()`);
      await ctx.handle.db.update(personnel).set({ active: false }).where(eq(personnel.id, people.other));
      expect((await meAs(ctx.handle, token)).status).toBe(401);
    } finally {
      await ctx.handle.db.execute(sql`ALTER TABLE personnel ENABLE TRIGGER personnel_notify`);
      await ctx.handle.db.update(personnel).set({ active: true }).where(eq(personnel.id, people.other));
    }
  });
});
