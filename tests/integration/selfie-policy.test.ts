/**
 * The selfie-required rule lives twice by necessity: `requiredBy` in JS (the evidence page, the phone's hint) and
 * `missingRequiredSelfieSql` inside check-out's single UPDATE (the NO_SELFIE flag). This runs both on the same cases,
 * on both drivers, so they cannot drift apart.
 */
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { queryRows } from "../../src/server/db/client";
import { locations } from "../../src/server/db/schema";
import { missingRequiredSelfieSql, requiredBy, selfieTypesLiteral } from "../../src/server/photos/selfie-policy";
import { describeEachDriver } from "../support/db";

const SETTINGS: string[][] = [[], ["*"], ["restaurant"], ["restaurant", "atm"], ["*", "atm"], ["Restaurant"], ["it's \"quoted\""]];
const TYPES: (string | null)[] = [null, "restaurant", "atm", "bank", "it's \"quoted\"", ""];

describeEachDriver("selfie policy: the JS rule and the SQL rule agree", (ctx) => {
  it("for every settings list × location type × selfie present or not", async () => {
    const db = ctx.handle.db;
    const ids = new Map<string | null, number>();
    for (const t of TYPES) {
      const [row] = await db
        .insert(locations)
        .values({ name: `selfie-policy ${String(t)}`, coordinates: { lat: 12.97, lng: 77.59 }, geofenceRadius: 50, locationType: t })
        .returning({ id: locations.id });
      ids.set(t, row!.id);
    }
    let required = 0;
    let notRequired = 0;
    for (const types of SETTINGS) {
      for (const t of TYPES) {
        for (const selfie of [null, "visits/1/selfie.jpg"]) {
          const expected = selfie === null && requiredBy(types, t);
          const [row] = await queryRows<{ missing: boolean }>(
            db,
            sql`SELECT ${missingRequiredSelfieSql(sql`${selfieTypesLiteral(types)}`)} AS missing FROM (SELECT ${selfie}::text AS selfie_url, ${ids.get(t)!}::int AS location_id) v`,
          );
          expect(row!.missing, `types=${JSON.stringify(types)} location_type=${JSON.stringify(t)} selfie=${selfie !== null}`).toBe(expected);
          if (requiredBy(types, t)) required++;
          else notRequired++;
        }
      }
    }
    // Both outcomes are exercised (the cases are not all one way).
    expect(required).toBeGreaterThan(10);
    expect(notRequired).toBeGreaterThan(10);
  });
});
