#!/usr/bin/env sh
# Assembles the production runtime folder: what the Docker image runs, and nothing else.
# The Dockerfile calls this script (one source of truth); tests/deploy runs it on this machine, where no
# Docker engine exists, and starts the app from the folder alone.
#
#   sh scripts/docker/assemble-runtime.sh OUT_DIR
#
# Run from a checkout with its full dependencies installed (npm install). Steps:
#   1. build: Next's production build + the service worker (npm run build), and the migrator as one plain
#      JavaScript file (dist/migrate.mjs, and dist/create-admin.mjs for the first admin: the image has no tsx);
#   2. copy what the server reads at run time into OUT_DIR;
#   3. install the production dependencies only in OUT_DIR (npm install --omit=dev, same lock file).
set -eu
OUT="${1:?usage: assemble-runtime.sh OUT_DIR}"
export NEXT_TELEMETRY_DISABLED=1

# ASSEMBLE_REUSE_BUILD=1 (the runtime test, right after the e2e suite built the same checkout) keeps a build in .next
# when no source is newer than it; the Dockerfile never sets it, so an image always builds from scratch.
if [ "${ASSEMBLE_REUSE_BUILD:-}" = "1" ] && [ -f .next/BUILD_ID ] && [ -f public/sw.js ] \
  && [ -z "$(find src public db next.config.ts package.json package-lock.json tsconfig.json postcss.config.mjs -newer .next/BUILD_ID ! -path public/sw.js -print 2>/dev/null | head -n 1)" ]; then
  echo "assemble-runtime: reusing the build in .next (no source is newer than .next/BUILD_ID)"
else
  npm run build
fi
# The migrator and the first-admin command; run with `node --conditions=react-server` (server-only modules).
node_modules/.bin/esbuild db/scripts/migrate.ts db/scripts/create-admin.ts --bundle --platform=node --format=esm \
  --target=node20 --conditions=react-server --alias:@=./src --packages=external --outdir=dist --out-extension:.js=.mjs \
  --log-level=warning

rm -rf "$OUT"
mkdir -p "$OUT/db" "$OUT/src"
cp package.json package-lock.json next.config.ts "$OUT/"
cp -R public scripts dist "$OUT/"
cp -R db/migrations "$OUT/db/"
cp src/env.ts "$OUT/src/"
# The build without its compiler cache (hundreds of MB, only useful to the next build).
mkdir -p "$OUT/.next"
(cd .next && tar --exclude=./cache -cf - .) | (cd "$OUT/.next" && tar -xf -)

(cd "$OUT" && npm install --omit=dev --no-audit --no-fund --loglevel=error --ignore-scripts)
echo "runtime assembled in $OUT ($(du -sh "$OUT" | cut -f1))"
