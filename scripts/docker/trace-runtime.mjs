#!/usr/bin/env node
/**
 * Completes the runtime folder that scripts/docker/assemble-runtime.sh starts from Next's standalone output
 * (.next/standalone: the files Next's own server and the app's routes reach, traced at build time): traces the
 * entry points that are not Next's — the supervisor, the server process with its lean door (scripts/start.mjs →
 * server.mjs → door.mjs), the migrator and the first-admin command (dist/*.mjs) — with @vercel/nft, the tracer Next
 * uses, and copies every file they reach that the folder lacks.
 *
 *   node scripts/docker/trace-runtime.mjs OUT_DIR     (from the checkout, after the build and the esbuild step)
 *
 * `next` itself is left to Next's trace: ours would follow its build-time branches (SWC's 97 MB native compiler, the
 * bundlers), which a production server with a plain-JavaScript next.config.mjs never loads.
 */
import { copyFileSync, existsSync, lstatSync, mkdirSync, readlinkSync, symlinkSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { nodeFileTrace } from "@vercel/nft";

const out = process.argv[2];
if (!out) {
  console.error("usage: trace-runtime.mjs OUT_DIR");
  process.exit(2);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const outDir = path.resolve(out);
const ENTRIES = ["scripts/start.mjs", "scripts/server.mjs", "scripts/door.mjs", "dist/migrate.mjs", "dist/create-admin.mjs"];

const { fileList, warnings } = await nodeFileTrace(ENTRIES, {
  base: root,
  // The migrator and create-admin run with `node --conditions=react-server` (server-only modules).
  conditions: ["react-server"],
  // Only packages are taken from the trace: the folder's own files (the entries, .next, db/migrations) are copied by
  // the assembly script, and a path the code merely tests (scripts/server.mjs looks for next.config.ts) is no input.
  ignore: (p) => p.startsWith("node_modules/next/") || !(p.startsWith("node_modules/") || ENTRIES.includes(p)),
});
for (const w of warnings) {
  // A dynamic require nft cannot follow is worth seeing; a missing optional file is not.
  if (!/Failed to resolve dependency/.test(String(w?.message ?? w))) console.warn(`trace-runtime: ${w?.message ?? w}`);
}

let copied = 0;
for (const file of [...fileList].sort()) {
  const from = path.join(root, file);
  const to = path.join(outDir, file);
  if (existsSync(to) || !existsSync(from)) continue;
  mkdirSync(path.dirname(to), { recursive: true });
  const stat = lstatSync(from);
  if (stat.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
  else if (stat.isFile()) copyFileSync(from, to);
  else continue;
  copied++;
}
console.log(`trace-runtime: ${copied} files added to ${out} (of ${fileList.size} reached from ${ENTRIES.length} entries)`);
