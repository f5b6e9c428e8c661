#!/usr/bin/env node
/**
 * `npm run demo`: the real app on this machine in one command. Writes a local AUTH_SECRET into .env.local when there
 * is none, builds once (when no build exists, or with --rebuild), then serves the production build (service worker,
 * offline, precompiled pages) on the embedded database with the demo data: `npm start` on port 3000 (PORT to change).
 * `npm run dev` stays the development server. Plain JavaScript: nothing to compile before it runs.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const ENV_FILE = ".env.local";
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function run(args) {
  const r = spawnSync(npm, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const current = existsSync(ENV_FILE) ? readFileSync(ENV_FILE, "utf8") : "";
if (!process.env.AUTH_SECRET && !process.env.NEXTAUTH_SECRET && !/^\s*(AUTH_SECRET|NEXTAUTH_SECRET)\s*=\s*\S/m.test(current)) {
  const line = `AUTH_SECRET=${randomBytes(32).toString("base64")}\n`;
  writeFileSync(ENV_FILE, (current && !current.endsWith("\n") ? `${current}\n` : current) + line, { mode: 0o600 });
  console.log(`[fieldbeat] wrote a new local AUTH_SECRET to ${ENV_FILE} (keep it: it signs sessions and encrypts MFA secrets)`);
}
if (process.argv.includes("--rebuild") || !existsSync(".next/BUILD_ID")) {
  console.log("[fieldbeat] building the production app once (about a minute on 2 cores)…");
  run(["run", "build"]);
}
console.log(`[fieldbeat] serving the production build on http://localhost:${process.env.PORT || 3000} (embedded database + demo data unless DATABASE_URL is set)`);
run(["start"]);
