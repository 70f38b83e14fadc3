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
    [metrics_questions]="/api/surveys/$BIG_SURVEY/metrics/questions $OUT/keys.txt 1"
  )
  local endpoints=(get list metrics_small metrics_big bad_checksum metrics_questions not_modified)
  if [ -n "${ENDPOINTS:-}" ]; then read -ra endpoints <<<"$ENDPOINTS"; fi
  app_start ApiKeys__RequestsPerMinutePerKey=100000000 ApiKeys__FailedAuthPerMinute=10000000 ${REDIS_URL:+Limits__Redis=$REDIS_URL}
  local key
  key=$(head -1 "$OUT/keys.txt")
  # 304: the survey read with the ETag its 200 carried (checked to answer 304 before and after the rounds).
  ETAG=$(curl -s -o /dev/null -D - -H "Authorization: Bearer $key" -H "X-Org-Id: $ORG" "$URL/api/surveys/$SMALL_SURVEY" |
    awk 'tolower($1) == "etag:" {print $2}' | tr -d '\r')
  SCENARIOS[not_modified]="/api/surveys/$SMALL_SURVEY $OUT/keys.txt 1 - BENCH_IF_NONE_MATCH=$ETAG"
  check_status 304 "$key" "$ORG" "/api/surveys/$SMALL_SURVEY" "$ETAG"
  if [ -n "${DEEP_ORG:-}" ]; then
    # Page 1 and page 2,500 (20 a page) of the organization with 50,000 surveys; the deep cursor is reached by
    # walking the list as a client would.
    local deep_key deep_cursor
    deep_key=$(head -1 "$OUT/keys-deep.txt")
    echo "[$size] walking 2,499 pages of the 50,000-survey organization..."
    deep_cursor=$(python3 bench/walk.py "$URL" "$deep_key" "$DEEP_ORG" 2499)
    SCENARIOS[deep_page_1]="/api/surveys?limit=20 $OUT/keys-deep.txt 1 - BENCH_ORG=$DEEP_ORG"
    SCENARIOS[deep_page_2500]="/api/surveys?limit=20&cursor=$deep_cursor $OUT/keys-deep.txt 1 - BENCH_ORG=$DEEP_ORG"
    check_status 200 "$deep_key" "$DEEP_ORG" "/api/surveys?limit=20&cursor=$deep_cursor" ""
    [ -n "${ENDPOINTS:-}" ] || endpoints+=(deep_page_1 deep_page_2500)
  fi
  if [ -n "${REDIS_URL:-}" ]; then # show that the limits are really counted in Redis
    curl -s "$URL/healthz/ready" | grep -q "shared through Redis" || { echo "LIMITS_REDIS=1 but the limits are not shared" >&2; exit 1; }
  fi
  if [ "${KEY_HEADERS:-}" = 1 ]; then # show that the headers are really there
    curl -s -o /dev/null -D - -H "Authorization: Bearer $(head -1 "$OUT/keys.txt")" -H "X-Org-Id: $ORG" "$URL/api/surveys/$SMALL_SURVEY" |
      grep -iE '^(questra-key-expires|deprecation|sunset|link):' || { echo "KEY_HEADERS=1 but the headers are missing" >&2; exit 1; }
  fi

  local defined=()
  for s in "${endpoints[@]}"; do [ -n "${SCENARIOS[$s]:-}" ] && defined+=("$s"); done # deep pages: large database only
  endpoints=("${defined[@]}")
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
  check_status 304 "$key" "$ORG" "/api/surveys/$SMALL_SURVEY" "$ETAG"
  bench_stop_app
}

check_status() { # status key org path if-none-match: the app answers this request with that status
  local got
  got=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $2" -H "X-Org-Id: $3" ${5:+-H "If-None-Match: $5"} "$URL$4")
  [ "$got" = "$1" ] || { echo "expected $1 from $4, got $got" >&2; exit 1; }
}

# LIMITS_REDIS=1: the per-key limit and the failed-authentication throttle counted in a Redis (Debian's
# redis-server, started here on loopback) as several instances would share them (issue 26).
if [ "${LIMITS_REDIS:-}" = 1 ]; then
  command -v redis-server >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; }
  ${WRK_PIN:-} redis-server --port 6391 --bind 127.0.0.1 --save "" --appendonly no >"$WORK/redis.log" 2>&1 &
  REDIS_PID=$!
  REDIS_URL=127.0.0.1:6391
  for _ in $(seq 1 50); do redis-cli -p 6391 ping >/dev/null 2>&1 && break; sleep 0.1; done
  kill -0 "$REDIS_PID" 2>/dev/null || { echo "redis-server did not start (port 6391 taken?): $(cat "$WORK/redis.log")" >&2; exit 1; }
fi
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
expected = {"bad_checksum": "401", "not_modified": "304"}
print(f"{'database':<9}{'endpoint':<18}{'ratio to /healthz':>19}{'  (rounds)':<22}{'app CPU us/req':>15}{'/healthz us/req':>16}{'req/s':>8}   answers")
for (size, name), r in rows.items():
    ratios = [x[0] for x in r]
    kind = expected.get(name, "200")
    wrong = sum(x[5] - x[4] if kind == "401" else x[4] for x in r)
    print(f"{size:<9}{name:<18}{statistics.median(ratios):>19.3f}  ({', '.join(f'{x:.3f}' for x in ratios)}){'':<2}"
          f"{statistics.median(x[1] for x in r):>13.1f}{statistics.median(x[2] for x in r):>16.1f}{statistics.median(x[3] for x in r):>8.0f}"
          f"   {kind} expected, {wrong} other")
PY
[ -n "${REDIS_PID:-}" ] && { kill "$REDIS_PID" 2>/dev/null || true; }
echo "address lists: ${ADDRESS_LISTS:-none}; key headers: ${KEY_HEADERS:-none}; limits: ${REDIS_URL:+Redis}${REDIS_URL:-in memory}"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD)"
rm -rf "$WORK"
