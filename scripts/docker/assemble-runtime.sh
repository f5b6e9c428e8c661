#!/usr/bin/env sh
# Assembles the production runtime folder: what the Docker image runs, and nothing else.
# The Dockerfile calls this script (one source of truth); tests/deploy runs it on this machine, where no
# Docker engine exists, and starts the app from the folder alone.
#
#   sh scripts/docker/assemble-runtime.sh OUT_DIR
#
# Run from a checkout with its full dependencies installed (npm install). Steps:
#   1. build: Next's production build with its standalone output (next.config.ts `output: "standalone"`:
#      .next/standalone holds the files Next's server and the app's routes reach, traced at build time) + the
#      service worker (npm run build); the migrator, the first-admin command and next.config.ts as plain JavaScript
#      (dist/migrate.mjs, dist/create-admin.mjs, dist/next.config.mjs: the image has neither tsx nor SWC);
#   2. copy the standalone output, the static files and public/, the server's own scripts and dist/ into OUT_DIR;
#   3. trace the entry points that are not Next's (scripts/docker/trace-runtime.mjs: the supervisor and the lean
#      door, the migrator, create-admin) and add the files they reach. No `npm install`: nothing unreached is copied.
set -eu
OUT="${1:?usage: assemble-runtime.sh OUT_DIR}"
export NEXT_TELEMETRY_DISABLED=1

# ASSEMBLE_REUSE_BUILD=1 (the runtime test, right after the e2e suite built the same checkout) keeps a build in .next
# when no source is newer than it; the Dockerfile never sets it, so an image always builds from scratch.
if [ "${ASSEMBLE_REUSE_BUILD:-}" = "1" ] && [ -f .next/BUILD_ID ] && [ -f .next/standalone/server.js ] && [ -f public/sw.js ] \
  && [ -z "$(find src public db next.config.ts package.json package-lock.json tsconfig.json postcss.config.mjs -newer .next/BUILD_ID ! -path public/sw.js -print 2>/dev/null | head -n 1)" ]; then
  echo "assemble-runtime: reusing the build in .next (no source is newer than .next/BUILD_ID)"
else
  npm run build
fi
# The migrator and the first-admin command; run with `node --conditions=react-server` (server-only modules).
node_modules/.bin/esbuild db/scripts/migrate.ts db/scripts/create-admin.ts --bundle --platform=node --format=esm \
  --target=node20 --conditions=react-server --alias:@=./src --packages=external --outdir=dist --out-extension:.js=.mjs \
  --log-level=warning
# next.config.ts with src/env.ts and zod in one file: scripts/server.mjs evaluates it at start (the environment's
# validation, HTTP_COMPRESS) and gives Next the build's resolved config.
node_modules/.bin/esbuild next.config.ts --bundle --platform=node --format=esm --target=node20 \
  --outfile=dist/next.config.mjs --log-level=warning

rm -rf "$OUT"
mkdir -p "$OUT"
# Next's standalone output (its server.js is not used: scripts/start.mjs is the entry point), then what it leaves
# for a CDN or the platform to serve: the hashed static files and public/ (the service worker among them).
(cd .next/standalone && tar --exclude=./server.js -cf - .) | (cd "$OUT" && tar -xf -)
mkdir -p "$OUT/.next/static" "$OUT/scripts" "$OUT/db"
(cd .next/static && tar -cf - .) | (cd "$OUT/.next/static" && tar -xf -)
cp -R public dist "$OUT/"
cp scripts/start.mjs scripts/server.mjs scripts/door.mjs "$OUT/scripts/"
rm -rf "$OUT/db/migrations" && cp -R db/migrations "$OUT/db/"
cp package.json "$OUT/"
node scripts/docker/trace-runtime.mjs "$OUT"
echo "runtime assembled in $OUT ($(du -sh "$OUT" | cut -f1))"
