/**
 * Why `npm start` keeps idle keep-alive connections 65 s (HTTP_KEEP_ALIVE_TIMEOUT_MS, scripts/server.mjs): a pooling
 * client — a proxy, a load balancer, Playwright's request context, any Node http.Agent({ keepAlive: true }) — that
 * sends on an idle connection just as the server closes it gets a reset. With Node's default (5 s, closed at 6 s)
 * that happens to a client idle about 6 s; with 65 s, only past 66 s, and a proxy whose own idle timeout is shorter
 * (nginx, AWS ALB: 60 s) closes first, so never.
 *
 *   node bench/keep-alive-race.mjs [rounds=3] [clients=100]
 *
 * The server runs in a child process. Both event loops are kept busy 100 ms in every 150 ms, as a server rendering
 * pages and a client under load are: the client reads the server's close only after it has picked that socket for
 * its next request. Each round: `clients` agents in this process each send one request, stay idle 5.9–6.1 s (spread
 * evenly, around the default close), then send a second one. Plain node:http on both sides.
 */
import { fork } from "node:child_process";
import http from "node:http";
import { fileURLToPath } from "node:url";

/** Blocks this process's event loop 100 ms in every 150 ms. */
const keepBusy = () =>
  setInterval(() => {
    const t = Date.now();
    while (Date.now() - t < 100);
  }, 150);

if (process.argv[2] === "--server") {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.end("ok"));
  });
  if (process.argv[3] !== "default") server.keepAliveTimeout = Number(process.argv[3]);
  keepBusy();
  server.listen(0, "127.0.0.1", () => process.send(server.address().port));
} else {
  // The client is busy too (as a test runner recording a trace, or a proxy under load): a close that arrives while it
  // is busy is read only after it has already picked that socket for its next request.
  const busy = keepBusy();
  const rounds = Number(process.argv[2] ?? 3);
  const clients = Number(process.argv[3] ?? 100);

  const round = async (keepAliveTimeout) => {
    const child = fork(fileURLToPath(import.meta.url), ["--server", keepAliveTimeout]);
    const port = await new Promise((r) => child.once("message", r));
    const send = (agent) =>
      new Promise((resolve) => {
        const req = http.request({ host: "127.0.0.1", port, method: "PATCH", path: "/", agent }, (res) => {
          res.resume();
          res.on("end", () => resolve({ ok: true, reused: req.reusedSocket }));
        });
        req.on("error", (e) => resolve({ ok: false, code: e.code }));
        req.end("{}");
      });
    const failures = {};
    let reused = 0;
    await Promise.all(
      Array.from({ length: clients }, async (_, i) => {
        const agent = new http.Agent({ keepAlive: true });
        await send(agent);
        await new Promise((r) => setTimeout(r, 5_900 + (i * 200) / clients));
        const r = await send(agent);
        if (!r.ok) failures[r.code] = (failures[r.code] ?? 0) + 1;
        if (r.reused) reused++;
        agent.destroy();
      }),
    );
    child.kill();
    return { failures, reused };
  };

  console.log(`node ${process.version}, ${rounds} rounds × ${clients} clients idle 5.9–6.1 s\n`);
  console.log("| server keepAliveTimeout | second requests | sent on the idle socket | failed |");
  console.log("|---|---|---|---|");
  for (const [label, ms] of [["Node's default (5 s)", "default"], ["65 s (npm start)", "65000"]]) {
    const all = {};
    let reused = 0;
    for (let i = 0; i < rounds; i++) {
      const r = await round(ms);
      reused += r.reused;
      for (const [k, v] of Object.entries(r.failures)) all[k] = (all[k] ?? 0) + v;
    }
    const failed = Object.entries(all).map(([k, v]) => `${v} ${k}`).join(", ") || "0";
    console.log(`| ${label} | ${rounds * clients} | ${reused} | ${failed} |`);
  }
  clearInterval(busy);
}
