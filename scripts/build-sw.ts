/**
 * Builds the service worker: bundles src/sw.ts (TypeScript, Workbox modules, the offline queue) with esbuild, then
 * injects Workbox's precache manifest (Next's hashed build files, the offline page, icons) into public/sw.js.
 * Runs after `next build` (the precache lists its output) and before `next dev` (no build output: runtime caching only).
 * public/sw.js is generated, never committed (.gitignore).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { injectManifest } from "workbox-build";

const root = path.resolve(import.meta.dirname, "..");
const tmp = path.join(root, ".next/cache/sw");
const swSrc = path.join(tmp, "sw.bundle.js");
const swDest = path.join(root, "public/sw.js");
const production = !process.argv.includes("--dev");

async function main() {
  mkdirSync(tmp, { recursive: true });
  await build({
    entryPoints: [path.join(root, "src/sw.ts")],
    bundle: true,
    format: "iife",
    target: "es2020",
    minify: production,
    sourcemap: false,
    outfile: swSrc,
    alias: { "@": path.join(root, "src") },
    // Workbox logs verbosely unless NODE_ENV is production.
    define: { "process.env.NODE_ENV": JSON.stringify(production ? "production" : "development") },
    logLevel: "warning",
  });
  const buildIdFile = path.join(root, ".next/BUILD_ID");
  const buildId = existsSync(buildIdFile) ? readFileSync(buildIdFile, "utf8").trim() : "dev";
  const hasBuild = production && existsSync(path.join(root, ".next/static"));
  const { count, size, warnings } = await injectManifest({
    swSrc,
    swDest,
    globDirectory: root,
    globPatterns: [...(hasBuild ? [".next/static/**/*.{js,css,woff2}"] : []), "public/offline.html", "public/icons/*.png"],
    // Source maps and the build manifests of other builds are not part of the shell.
    globIgnores: ["**/*.map", "**/node_modules/**"],
    maximumFileSizeToCacheInBytes: 3 * 1024 * 1024,
    // Next serves .next/static at /_next/static and public/ at the root; hashed names need no revision.
    manifestTransforms: [
      async (entries) => ({
        manifest: entries.map((e) => {
          if (e.url.startsWith(".next/static/")) return { ...e, url: "/_next/static/" + e.url.slice(".next/static/".length), revision: /\/chunks\/|\/media\//.test(e.url) ? null : e.revision };
          return { ...e, url: "/" + e.url.replace(/^public\//, "") };
        }),
        warnings: [],
      }),
    ],
    additionalManifestEntries: [{ url: "/manifest.webmanifest", revision: createHash("sha256").update(buildId).digest("hex").slice(0, 16) }],
  });
  for (const w of warnings) console.warn("[build-sw]", w);
  console.log(`[build-sw] public/sw.js: ${count} precached files (${(size / 1024).toFixed(0)} kB)${hasBuild ? "" : ", no Next build output (dev)"}`);
}

main().catch((err: unknown) => {
  console.error("[build-sw] failed:", err);
  process.exit(1);
});
