/**
 * The image-job bound (issue #17 item 0): at most IMAGE_JOBS_ACTIVE jobs run, at most IMAGE_JOBS_WAITING wait,
 * the next is refused with 503 + retry_after_s, and a slot is held until the work itself settles (a caller that
 * stopped waiting at a timeout does not free it early).
 */
import { describe, expect, it } from "vitest";
import { IMAGE_JOBS_ACTIVE, IMAGE_JOBS_WAITING, imageJobLoad, withImageSlot } from "../../src/server/photos/image-jobs";

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};
const tick = () => new Promise((r) => setImmediate(r));

describe("withImageSlot", () => {
  it("runs one job at a time, queues a bounded number, refuses the rest with 503, and frees slots as work settles", async () => {
    const gates = Array.from({ length: IMAGE_JOBS_ACTIVE + IMAGE_JOBS_WAITING }, deferred);
    const started: number[] = [];
    const slots = gates.map((g, i) => withImageSlot(async () => (started.push(i), g.promise)));
    await tick();
    expect(started).toEqual([...Array(IMAGE_JOBS_ACTIVE).keys()]);
    expect(imageJobLoad()).toEqual({ active: IMAGE_JOBS_ACTIVE, waiting: IMAGE_JOBS_WAITING });
    await expect(withImageSlot(async () => undefined)).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE", status: 503, details: { retry_after_s: expect.any(Number) } });

    // The first caller stops waiting (as at a timeout) but its work still runs: the slot stays taken.
    const first = await slots[0]!;
    await tick();
    expect(started).toHaveLength(IMAGE_JOBS_ACTIVE);
    gates[0]!.resolve();
    await first.work;
    await tick();
    expect(started).toHaveLength(IMAGE_JOBS_ACTIVE + 1);

    for (const g of gates) g.resolve();
    await Promise.all(slots.map(async (s) => (await s).work));
    await tick();
    expect(imageJobLoad()).toEqual({ active: 0, waiting: 0 });
  });

  it("a job that fails frees its slot", async () => {
    const { work } = await withImageSlot(async () => {
      throw new Error("decode failed");
    });
    await expect(work).rejects.toThrow("decode failed");
    await tick();
    expect(imageJobLoad()).toEqual({ active: 0, waiting: 0 });
  });
});
