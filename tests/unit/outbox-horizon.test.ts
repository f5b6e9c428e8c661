/** The outbox horizon widens pg_stat_activity's 32-bit xids against a 64-bit xid of the same moment. */
import { describe, expect, it } from "vitest";
import { fullXid } from "../../src/server/realtime/horizon";

const SPAN = 1n << 32n;

describe("fullXid", () => {
  it("keeps the epoch when the 32-bit xid is just below or above the reference", () => {
    const near = 5n * SPAN + 1_000n;
    expect(fullXid(990n, near)).toBe(5n * SPAN + 990n);
    expect(fullXid(1_010n, near)).toBe(5n * SPAN + 1_010n);
  });

  it("crosses an epoch boundary in either direction", () => {
    // The reference just past a wraparound, the running xid from just before it (the previous epoch).
    expect(fullXid(SPAN - 3n, 7n * SPAN + 2n)).toBe(7n * SPAN - 3n);
    // The reference just before a wraparound, the xid assigned just after it (the next epoch).
    expect(fullXid(4n, 7n * SPAN - 2n)).toBe(7n * SPAN + 4n);
  });

  it("is exact in the first epoch", () => {
    expect(fullXid(752n, 760n)).toBe(752n);
  });
});
