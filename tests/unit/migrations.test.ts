import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const dir = path.resolve(__dirname, "../../db/migrations");
const files = readdirSync(dir).filter((f) => f.endsWith(".sql")).sort();

describe("db/migrations", () => {
  it("enables PostGIS in the first migration", () => {
    expect(files[0]).toMatch(/^0000_/);
    expect(readFileSync(path.join(dir, files[0]!), "utf8")).toMatch(/CREATE EXTENSION IF NOT EXISTS postgis/);
  });

  it("never quotes a PostGIS type (drizzle-kit does; db/scripts/fix-migrations.ts must have run)", () => {
    for (const f of files) expect(readFileSync(path.join(dir, f), "utf8"), f).not.toMatch(/"(geography|geometry)\(/i);
  });

  it("lists every migration file in the journal", () => {
    const journal = JSON.parse(readFileSync(path.join(dir, "meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
    expect(journal.entries.map((e) => `${e.tag}.sql`)).toEqual(files);
  });
});
