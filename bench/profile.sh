#!/usr/bin/env bash
# Where the app's CPU goes under keyed load, sampled with perf: the share spent in the key check, measured in the
# same seconds as everything else the request does, so a slow patch of the machine scales both alike.
# Run by hand after (not during) bench/run.sh:  bash bench/profile.sh
# Needs perf (installs Debian's linux-perf if missing). For perf to name JIT-compiled frames the app runs with
# DOTNET_PerfMapEnabled=1 and DOTNET_EnableWriteXorExecute=0 here only.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
SECONDS_PER_PROFILE=${SECONDS_PER_PROFILE:-20}
MIXED_WARMUP=${MIXED_WARMUP:-120}

command -v perf >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-perf; }
bench_prepare
bench_scenarios
bench_start_app DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0

# Warm-up with every kind of request at once, so the JIT's profile-guided code is tuned to a mix of them.
echo "mixed warm-up, ${MIXED_WARMUP} s..."
run_scenario_raw baseline "$MIXED_WARMUP" 8 >/dev/null &
unkeyed=$!
run_scenario_raw keys_1000 "$MIXED_WARMUP" 8 >/dev/null
wait "$unkeyed" # not a bare wait: the app is a background job too

# Share (in % of all samples) of stacks passing through a frame matching $2, in the profile $1.
# A frame or library that never showed up in the profile counts 0.
first_share() { awk -v pat="$1" '!found && index($0, pat) { share = $1 + 0; found = 1 } END { print share + 0 }'; }
inclusive() { perf report -i "$1" --children --sort sym --stdio -g none 2>/dev/null | first_share "$2"; }
self_dso() { perf report -i "$1" --no-children --sort dso --stdio -g none 2>/dev/null | first_share "$2"; }

for scenario in baseline one_key keys_1000; do
  run_scenario_raw "$scenario" $((SECONDS_PER_PROFILE + 4)) "$CONNECTIONS" >"$WORK/$scenario.wrk" &
  load=$!
  sleep 2
  perf record -q -e cpu-clock -F 999 -g -p "$APP_PID" -o "$WORK/$scenario.perf" -- sleep "$SECONDS_PER_PROFILE" 2>/dev/null
  wait "$load"
  # A profile of refused requests would measure the wrong thing: every answer must have been a 200.
  if grep -q "Non-2xx or 3xx responses" "$WORK/$scenario.wrk"; then
    echo "$scenario: some answers were not 200:" >&2; cat "$WORK/$scenario.wrk" >&2; exit 1
  fi
  handler=$(inclusive "$WORK/$scenario.perf" "ApiKeyAuthenticationHandler+<HandleAuthenticateAsync>")
  crypto=$(self_dso "$WORK/$scenario.perf" "libcrypto")
  sqlite=$(self_dso "$WORK/$scenario.perf" "libe_sqlite3")
  echo "$scenario $handler $crypto $sqlite" >>"$WORK/shares.txt"
  printf '%-10s authentication handler %5.2f %% of app CPU, SHA-256 (libcrypto) %5.2f %%, SQLite %5.2f %%\n' \
    "$scenario" "$handler" "$crypto" "$sqlite"
done
python3 - "$WORK/shares.txt" <<'PY'
import sys
rows = {n: (float(h), float(c)) for n, h, c, _ in (l.split() for l in open(sys.argv[1]))}
base = sum(rows["baseline"])
for n in ("one_key", "keys_1000"):
    added = sum(rows[n]) - base
    print(f"{n}: the key check takes {added:.2f} % more of the app's CPU than the baseline's bypass "
          f"-> a CPU-bound server keeps {1 - added / 100:.3f} of the baseline's throughput")
PY
bench_stop_app
echo "machine: $(nproc) cores, $(date -u +%Y-%m-%d)"
rm -rf "$WORK"
