/** CSV import of customers (issue #18): file forms, row errors with line numbers and the file's column names, all-or-nothing, re-runs, edits. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import Papa from "papaparse";
import { afterAll, beforeAll, expect, it } from "vitest";
import { POST as importRoute } from "../../src/app/api/v1/locations/import/route";
import type { Actor } from "../../src/server/auth/actor";
import { issueAccessToken } from "../../src/server/auth/tokens";
import { useDbHandle } from "../../src/server/db";
import { queryRows } from "../../src/server/db/client";
import { describeEachDriver } from "../support/db";
import { fixturesDir, hasFixtures, makePerson } from "../support/visits-world";

// Tests read answers as loose JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

async function upload(as: number, file: string | Uint8Array, query: string, opts: { multipart?: boolean; type?: string } = {}): Promise<{ status: number; body: Loose }> {
  const headers: Record<string, string> = { authorization: "Bearer " + (await issueAccessToken(as, new Date())) };
  let body: BodyInit;
  if (opts.multipart) {
    const form = new FormData();
    form.set("file", new Blob([file as BlobPart], { type: "text/csv" }), "customers.csv");
    body = form;
  } else {
    headers["content-type"] = opts.type ?? "text/csv";
    body = file as BodyInit;
  }
  const res = await importRoute(new Request(`http://localhost/api/v1/locations/import?${query}`, { method: "POST", headers, body }), { params: Promise.resolve({}) });
  return { status: res.status, body: await res.json() };
}

describeEachDriver("customers CSV import", (ctx) => {
  let admin: Actor, mgr: Actor, rep: Actor;
  beforeAll(async () => {
    useDbHandle(ctx.handle);
    admin = await makePerson(ctx.handle.db, "admin");
    mgr = await makePerson(ctx.handle.db, "manager");
    rep = await makePerson(ctx.handle.db, "rep", mgr.id);
  });
  afterAll(() => useDbHandle(undefined));
  const count = async () => (await queryRows<{ n: number }>(ctx.handle.db, sql`SELECT count(*)::int AS n FROM locations`))[0]!.n;

  // Semicolons, CRLF, a BOM, a decimal comma, a quoted field with the delimiter, a quote and a line break, an extra column.
  const good =
    "\uFEFFCode;Name;Address;Latitude;Longitude;Radius;Type;Notes\r\n" +
    'IMP-1;Alpha Stores;"1 Main Rd; ""Block A""\r\nBengaluru";12,9716;77,5946;60;shop;first\r\n' +
    "IMP-2;Beta Clinic;;12.9352;77.6245;;clinic;\r\n" +
    "\r\n" +
    "IMP-3;Gamma Pharma;;12.9100;77.6000;100;;\r\n";

  it("dry run reports without writing; commit creates; re-import changes nothing", async () => {
    const before = await count();
    const dry = await upload(mgr.id, good, "dry_run=true");
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ committed: false, dry_run: true, total_rows: 3, created: 3, updated: 0, unchanged: 0, invalid: 0, ignored_columns: ["Notes"], errors: [] });
    expect(dry.body.preview.map((p: Loose) => p.row)).toEqual([2, 4, 6]);
    expect(await count()).toBe(before);
    const real = await upload(mgr.id, good, "dry_run=false");
    expect(real.body).toMatchObject({ committed: true, created: 3, updated: 0, unchanged: 0 });
    expect(await count()).toBe(before + 3);
    const [alpha] = await queryRows<Loose>(
      ctx.handle.db,
      sql`SELECT name, address, ST_Y(coordinates::geometry) AS lat, geofence_radius, location_type FROM locations WHERE external_ref = 'IMP-1'`,
    );
    expect(alpha).toMatchObject({ name: "Alpha Stores", address: '1 Main Rd; "Block A"\nBengaluru', geofence_radius: 60, location_type: "shop" });
    expect(Number(alpha.lat)).toBe(12.9716);
    const [beta] = await queryRows<{ r: number }>(ctx.handle.db, sql`SELECT geofence_radius AS r FROM locations WHERE external_ref = 'IMP-2'`);
    expect(beta!.r).toBe(50); // the organisation's default
    const again = await upload(mgr.id, good, "dry_run=false");
    expect(again.body).toMatchObject({ committed: true, created: 0, updated: 0, unchanged: 3 });
    expect(await count()).toBe(before + 3);
    // Multipart with LF line ends and commas: the same customers, one edited.
    const edited = "external_ref,name,lat,lon\nIMP-1,Alpha Stores,12.9716,77.5946\nIMP-2,Beta Clinic Renamed,12.9352,77.6245\n";
    const viaForm = await upload(mgr.id, edited, "dry_run=false", { multipart: true });
    expect(viaForm.body).toMatchObject({ committed: true, created: 0, updated: 1, unchanged: 1 });
  });

  it("every bad-row class is named by line and the file's column; nothing is written unless skip_invalid", async () => {
    const bad =
      "REF,name,lat,lon,RADIUS,type\n" +
      "B-1,Fine One,12.1,77.1,50,x\n" + // 2 ok
      "B-2,,12.1,77.1,50,x\n" + // 3 empty name
      "B-3,Far North,91,77.1,50,x\n" + // 4 out of range
      "B-4,Not Number,twelve,77.1,50,x\n" + // 5 not a number
      "B-1,Dup Ref,12.2,77.2,50,x\n" + // 6 duplicate ref
      `B-6,${"n".repeat(256)},12.1,77.1,50,x\n` + // 7 too long
      "B-7,Tiny Fence,12.1,77.1,4,x\n" + // 8 radius out of range
      'B-8,"Quoted\nName",,,50,x\n' + // 9-10 no coordinates (no key)
      "B-9,Fine Two,12.3,77.3,,\n"; // 11 ok
    const before = await count();
    const res = await upload(admin.id, bad, "dry_run=false");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ committed: false, total_rows: 9, invalid: 7, created: 2 });
    expect(res.body.errors.map((e: Loose) => [e.row, e.column, e.code])).toEqual([
      [3, "name", "REQUIRED"],
      [4, "lat", "OUT_OF_RANGE"],
      [5, "lat", "NOT_A_NUMBER"],
      [6, "REF", "DUPLICATE_REF"],
      [7, "name", "TOO_LONG"],
      [8, "RADIUS", "OUT_OF_RANGE"],
      [9, "lat", "COORDINATES_REQUIRED"],
    ]);
    expect(res.body.errors[3].message).toContain("row 2");
    expect(res.body.errors[6].message).toContain("coordinates are required");
    expect(await count()).toBe(before);
    const skipped = await upload(admin.id, bad, "dry_run=false&skip_invalid=true");
    expect(skipped.body).toMatchObject({ committed: true, created: 2, invalid: 7 });
    expect(await count()).toBe(before + 2);
  });

  it("refuses unusable files with a clear 400 on `file`, writing nothing", async () => {
    const before = await count();
    const latin1 = new Uint8Array([...Buffer.from("name,lat,lon\nCaf"), 0xe9, ...Buffer.from(",1,1\n")]);
    const cases: [string | Uint8Array, RegExp][] = [
      [latin1, /not UTF-8/],
      [new Uint8Array([0xff, 0xfe, 0x6e, 0x00]), /UTF-16/],
      ["name\tlat\tlon\nA\t1\t1\n", /tabs/],
      ["title,lat,lon\nA,1,1\n", /no "name" column/],
      ["", /header/],
    ];
    for (const [file, message] of cases) {
      const res = await upload(admin.id, file, "dry_run=false");
      expect(res.status, String(message)).toBe(400);
      expect(res.body.error.field).toBe("file");
      expect(res.body.error.message).toMatch(message);
    }
    expect((await upload(admin.id, "name,lat,lon\n", "dry_run=false", { type: "application/json" })).status).toBe(415);
    expect((await upload(rep.id, "name,lat,lon\nA,1,1\n", "dry_run=false")).status).toBe(403);
    expect(await count()).toBe(before);
  });

  it.skipIf(!hasFixtures("poi"))("imports a real file (1,715 OpenStreetMap places): unnamed rows are errors; re-import and a 10-row edit", async () => {
    const file = readFileSync(path.join(fixturesDir(), "poi/bengaluru_osm_poi_2015.csv"), "utf8");
    // Give each place its OSM id as external_ref (a re-import then matches by ref), written back as CSV by papaparse.
    const places = Papa.parse<Record<string, string>>(file, { header: true, skipEmptyLines: true }).data;
    const toCsv = (rows: Record<string, string>[]) => Papa.unparse(rows.map((r) => ({ external_ref: r.osm_id, ...r })));
    const unnamed = places.filter((p) => !p.name!.trim()).length;
    const dry = await upload(admin.id, toCsv(places), "dry_run=true");
    expect(dry.body).toMatchObject({ committed: false, total_rows: places.length, invalid: unnamed, created: places.length - unnamed });
    expect(dry.body.ignored_columns).toEqual(["osm_id", "category", "addr_street", "geometry_reduced_from", "source_file"]);
    expect(dry.body.errors.every((e: Loose) => e.column === "name" && e.code === "REQUIRED")).toBe(true);
    const valid = places.length - unnamed;
    const first = await upload(admin.id, toCsv(places), "dry_run=false&skip_invalid=true");
    expect(first.body).toMatchObject({ committed: true, created: valid, updated: 0 });
    const rerun = await upload(admin.id, toCsv(places), "dry_run=false&skip_invalid=true");
    expect(rerun.body).toMatchObject({ created: 0, updated: 0, unchanged: valid });
    // Rename 10 named places: exactly 10 updates.
    let left = 10;
    const edited = places.map((p) => (p.name!.trim() && left-- > 0 ? { ...p, name: `Edited ${p.name}` } : p));
    const ten = await upload(admin.id, toCsv(edited), "dry_run=false&skip_invalid=true");
    expect(ten.body).toMatchObject({ created: 0, updated: 10, unchanged: valid - 10 });
  });
});
