#!/usr/bin/env bash
# What the API's own work costs: each endpoint's throughput divided by GET /healthz (the pipeline's floor: same
# app, same run, measured just before it), on a small and on the large generated database. Run by hand on an
# otherwise idle machine:  bash bench/api.sh
# For each database: start the app with its shipped settings (logging as in production), warm up, then ROUNDS
# rounds; each round runs every endpoint in a shuffled order, each one right after its own /healthz window. Prints
# per round and the median over rounds of the ratio, and the app's CPU microseconds per request.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8}
WARMUP=${WARMUP:-90}
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_build
WORK=$(mktemp -d)

run_database() { # size
  local size=$1
  DB="$WORK/$size.db"
  OUT="$WORK/$size"
  dotnet "$BENCH_TOOL" generate "$DB" "$OUT" ${size/large/}
  # shellcheck disable=SC1091
  source "$OUT/meta.env"
  export ORG
  declare -gA SCENARIOS=(
    [healthz]="/healthz - 0"
    [get]="/api/surveys/$SMALL_SURVEY $OUT/keys.txt 1"
    [list]="/api/surveys $OUT/keys.txt 1"
    [metrics_small]="/api/surveys/$SMALL_SURVEY/metrics/responses $OUT/keys.txt 1"
    [metrics_big]="/api/surveys/$BIG_SURVEY/metrics/responses $OUT/keys.txt 1"
    [bad_checksum]="/api/surveys $OUT/bad-checksum.txt 1000"
  )
  local endpoints=(get list metrics_small metrics_big bad_checksum)
  app_start ApiKeys__RequestsPerMinutePerKey=100000000 ApiKeys__FailedAuthPerMinute=10000000
  if [ "${KEY_HEADERS:-}" = 1 ]; then # show that the headers are really there
    curl -s -o /dev/null -D - -H "Authorization: Bearer $(head -1 "$OUT/keys.txt")" -H "X-Org-Id: $ORG" "$URL/api/surveys/$SMALL_SURVEY" |
      grep -iE '^(questra-key-expires|deprecation|sunset|link):' || { echo "KEY_HEADERS=1 but the headers are missing" >&2; exit 1; }
  fi

  echo "[$size] warm-up, $WARMUP s of every endpoint..."
  local per=$(( WARMUP / (${#endpoints[@]} + 1) + 1 ))
  for s in healthz "${endpoints[@]}"; do run_wrk "$s" "$per" >/dev/null; done

  for round in $(seq 1 "$ROUNDS"); do
    mapfile -t order < <(printf '%s\n' "${endpoints[@]}" | shuf --random-source=<(yes "$round"))
    for s in "${order[@]}"; do
      floor=$(run_wrk healthz "$DURATION")
      line=$(run_wrk "$s" "$DURATION")
      echo "$size $round $s $line $floor" | tee -a "$WORK/results.txt"
    done
  done
  bench_stop_app
}

: >"$WORK/results.txt"
# SIZES=small measures only the small database; ADDRESS_LISTS=50 gives every key and organization a 50-entry
# address list (issue 23) that the benchmark's address matches only at its last entry. KEY_HEADERS=1 makes every key
# expire and be the old key of a roll in its grace period, so every answer carries issue 24's four headers.
for size in ${SIZES:-small large}; do run_database "$size"; done

echo
python3 - "$WORK/results.txt" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    size, rnd, name, rps, _, _, total, bad, cpu, hrps, _, _, _, _, hcpu = line.split()
    rows[(size, name)].append((float(rps) / float(hrps), float(cpu), float(hcpu), float(rps), int(bad), int(total)))
expected_401 = {"bad_checksum"}
print(f"{'database':<9}{'endpoint':<15}{'ratio to /healthz':>19}{'  (rounds)':<22}{'app CPU us/req':>15}{'/healthz us/req':>16}{'req/s':>8}   answers")
for (size, name), r in rows.items():
    ratios = [x[0] for x in r]
    wrong = sum(x[5] - x[4] if name in expected_401 else x[4] for x in r)
    kind = "401" if name in expected_401 else "200"
    print(f"{size:<9}{name:<15}{statistics.median(ratios):>19.3f}  ({', '.join(f'{x:.3f}' for x in ratios)}){'':<2}"
          f"{statistics.median(x[1] for x in r):>13.1f}{statistics.median(x[2] for x in r):>16.1f}{statistics.median(x[3] for x in r):>8.0f}"
          f"   {kind} expected, {wrong} other")
PY
echo "address lists: ${ADDRESS_LISTS:-none}; key headers: ${KEY_HEADERS:-none}"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD)"
rm -rf "$WORK"
