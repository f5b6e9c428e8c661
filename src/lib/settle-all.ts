/**
 * Promise.all that lets every promise settle before rejecting with the first failure. For statements queued together
 * on one transaction (postgres.js sends them in one write): none is left running behind the caller's back, and no
 * rejection goes unhandled.
 */
export async function settleAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
