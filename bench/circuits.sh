#!/usr/bin/env bash
# What an open dashboard tab (a Blazor circuit) costs the server and what closing tabs gives back: the app with
# its shipped settings on the small generated database, driven by headless Chromium (Questra.Bench circuits).
# Usage: bash bench/circuits.sh [tabs]   (default 20, the shipped Dashboard:MaxTabsPerUser). About 4 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
TABS=${1:-20}
bench_build
WORK=$(mktemp -d)
DB="$WORK/bench.db"
OUT="$WORK/out"
dotnet "$BENCH_TOOL" generate "$DB" "$OUT" small
# shellcheck disable=SC1091
source "$OUT/meta.env"
# Published, as deployed: a build folder outside Development serves no framework scripts (no circuits at all).
dotnet publish Questra.Web -c Release -o "$WORK/publish" -v q -nologo >/dev/null
APP_DIR="$WORK/publish"
app_start ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, $(date -u +%F)"
dotnet "$BENCH_TOOL" circuits "$URL" "$OUT" "$APP_PID" "$TABS"
bench_stop_app
