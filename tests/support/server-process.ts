/** Helpers for tests that start a built server as a child process (the deploy project). */
import type { ChildProcess } from "node:child_process";
import net from "node:net";

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });

/** Polls `${base}/api/ready` every 500 ms until it answers 200, the process exits or `tries` run out; the last answer. */
export async function waitReady(proc: ChildProcess, base: string, tries: number): Promise<Response | undefined> {
  let ready: Response | undefined;
  for (let i = 0; i < tries && proc.exitCode === null; i++) {
    ready = await fetch(`${base}/api/ready`).catch(() => undefined);
    if (ready?.status === 200) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return ready;
}
