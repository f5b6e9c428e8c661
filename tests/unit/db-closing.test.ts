/**
 * DbHandle.close (src/server/db/client.ts): what must reach the database before its pool closes (the rate limiter's
 * deferred counts) runs first, and a flush that never ends does not hold the shutdown past its bound.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { closing } from "../../src/server/db/client";

describe("closing a database handle", () => {
  afterEach(() => vi.useRealTimers());

  it("runs every flush before the pool ends, once, even when one fails", async () => {
    const order: string[] = [];
    const handle = closing(async () => void order.push("end"));
    handle.onClose(async () => void order.push("flush a"));
    handle.onClose(async () => Promise.reject(new Error("database gone")));
    handle.onClose(async () => void order.push("flush b"));
    await handle.close();
    expect(order).toEqual(["flush a", "flush b", "end"]);
    await handle.close(); // a second close ends the pool again but has nothing left to flush
    expect(order).toEqual(["flush a", "flush b", "end", "end"]);
  });

  it("ends the pool after 5 s when a flush never settles", async () => {
    vi.useFakeTimers();
    let ended = false;
    const handle = closing(async () => void (ended = true));
    handle.onClose(() => new Promise<void>(() => {}));
    const closed = handle.close();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(ended).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await closed;
    expect(ended).toBe(true);
  });
});
