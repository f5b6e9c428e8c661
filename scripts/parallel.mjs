#!/usr/bin/env node
// Runs npm scripts at the same time and fails if any of them fails: `node scripts/parallel.mjs lint typecheck`.
// `npm test` runs the checks that only read the checkout this way (lint, typecheck and the unit tests: each of
// them is mostly one busy thread, so together they use both cores of a CI machine instead of one after another).
// Each script's output is printed whole when it ends, with its exit code and time, so the logs do not interleave.
import { spawn } from "node:child_process";

const names = process.argv.slice(2);
if (names.length === 0) {
  console.error("usage: node scripts/parallel.mjs SCRIPT...");
  process.exit(2);
}
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const t0 = Date.now();

const runs = names.map(
  (name) =>
    new Promise((resolve) => {
      const chunks = [];
      const child = spawn(npm, ["run", name], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? "0" } });
      child.stdout.on("data", (b) => chunks.push(b));
      child.stderr.on("data", (b) => chunks.push(b));
      child.on("error", (e) => chunks.push(Buffer.from(String(e) + "\n")));
      child.on("close", (code, signal) => {
        const secs = ((Date.now() - t0) / 1000).toFixed(1);
        const status = code === 0 ? "ok" : `FAILED (${signal ?? `exit ${code}`})`;
        process.stdout.write(`\n> npm run ${name}: ${status} after ${secs} s\n${Buffer.concat(chunks).toString()}`);
        resolve(code === 0);
      });
    }),
);

const results = await Promise.all(runs);
const failed = names.filter((_, i) => !results[i]);
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.join(", ")}`);
  process.exit(1);
}
