import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { verifyPassword } from "../../src/server/auth/password";
import { queryRows } from "../../src/server/db/client";
import { bootstrapAdmin } from "../../src/server/personnel/bootstrap-admin";
import { describeEachDriver } from "../support/db";

const now = new Date("2026-12-05T08:00:00Z");

describeEachDriver("bootstrapAdmin (the first admin of a new installation)", (ctx) => {
  it("creates an active admin with a generated password, audited with no actor; a second call is refused and writes nothing", async () => {
    const first = await bootstrapAdmin(ctx.handle.db, { email: " Ops@Example.com ", name: "Ops Admin" }, now);
    expect(first).toMatchObject({ email: "ops@example.com", generated: true });
    expect(first.password.length).toBeGreaterThanOrEqual(20);
    const [row] = await queryRows<{ role: string; active: boolean; password_hash: string }>(ctx.handle.db, sql`SELECT role, active, password_hash FROM personnel WHERE id = ${first.id}`);
    expect(row).toMatchObject({ role: "admin", active: true });
    expect(await verifyPassword(row!.password_hash, first.password)).toBe(true);
    const audit = await queryRows<{ action: string; actor_id: number | null; target_personnel_id: number }>(
      ctx.handle.db,
      sql`SELECT action, actor_id, target_personnel_id FROM audit_log WHERE action = 'personnel.bootstrap_admin'`,
    );
    expect(audit).toEqual([{ action: "personnel.bootstrap_admin", actor_id: null, target_personnel_id: first.id }]);

    await expect(bootstrapAdmin(ctx.handle.db, { email: "intruder@example.com", name: "Intruder", password: "a-long-enough-password" }, now)).rejects.toMatchObject({ code: "CONFLICT", status: 409 });
    const [n] = await queryRows<{ n: number }>(ctx.handle.db, sql`SELECT count(*)::int AS n FROM personnel WHERE email = 'intruder@example.com'`);
    expect(n!.n).toBe(0);
  });
});

describe("bootstrapAdmin input", () => {
  it("refuses a bad e-mail, an empty name and a short password by field, before touching the database", async () => {
    const db = undefined as never;
    await expect(bootstrapAdmin(db, { email: "not-an-email", name: "X" }, now)).rejects.toMatchObject({ field: "email", status: 400 });
    await expect(bootstrapAdmin(db, { email: "a@b.co", name: "  " }, now)).rejects.toMatchObject({ field: "name", status: 400 });
    await expect(bootstrapAdmin(db, { email: "a@b.co", name: "A", password: "short" }, now)).rejects.toMatchObject({ field: "password", status: 400 });
  });
});
