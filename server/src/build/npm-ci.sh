#!/usr/bin/env bash
# Installs the page's npm packages (xterm.js) in static/ with `npm ci`, exactly as package-lock.json pins
# them. Skipped when node_modules is newer than the lock file (npm ci rewrites
# node_modules/.package-lock.json), so repeat builds stay fast. Called by the server module's Maven build.
set -euo pipefail
STATIC="${1:?usage: npm-ci.sh STATIC_DIR}"
LOCK="$STATIC/package-lock.json"
STAMP="$STATIC/node_modules/.package-lock.json"

if [[ -f "$STAMP" && ! "$LOCK" -nt "$STAMP" && -f "$STATIC/node_modules/@xterm/xterm/lib/xterm.js" ]]; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "ERROR: npm is not installed; the server build needs it to fetch xterm.js into $STATIC/node_modules" >&2
    echo "ERROR: install Node.js and npm (Debian: apt-get install nodejs npm), then build again" >&2
    exit 1
fi
echo "npm ci in $STATIC (xterm.js for the playground page)"
cd "$STATIC"
npm ci --no-audit --no-fund --ignore-scripts
