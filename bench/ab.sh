#!/usr/bin/env bash
# A/B: two variants of the app on copies of one small generated database, both running (pinned to the app's core),
# measured in alternating rounds so that a slow patch of the machine hits both alike. Each round, for each variant
# in turn (the order flips every round): GET /healthz, then every endpoint, each right after its own /healthz
# window, and the dashboard's API Keys page timed over a signed-in session (PAGE_REQUESTS, 0 to skip).
#   A_DIR / B_DIR   app folders (default: this checkout's Release build for both)
#   A_ENV / B_ENV   extra settings for each, e.g. B_ENV="Limits__Redis=127.0.0.1:6391" (LIMITS_REDIS=B starts one)
#   ENDPOINTS       scenarios as in api.sh (default "get not_modified"); ROUNDS (6), DURATION (8 s), WARMUP (60 s)
# Prints each variant's median ratio to /healthz per endpoint, B's median over A's, and the page's p50.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-6}
DURATION=${DURATION:-8}
WARMUP=${WARMUP:-60}
PAGE_REQUESTS=${PAGE_REQUESTS:-200}
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_build
A_DIR=${A_DIR:-$APP_DIR}
B_DIR=${B_DIR:-$APP_DIR}
WORK=$(mktemp -d)
OUT="$WORK/out"
dotnet "$BENCH_TOOL" generate "$WORK/gen.db" "$OUT" small
# shellcheck disable=SC1091
source "$OUT/meta.env"
export ORG

if [ "${LIMITS_REDIS:-}" = B ]; then
  command -v redis-server >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; }
  ${WRK_PIN:-} redis-server --port 6391 --bind 127.0.0.1 --save "" --appendonly no >"$WORK/redis.log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 1 50); do redis-cli -p 6391 ping >/dev/null 2>&1 && break; sleep 0.1; done
  B_ENV="${B_ENV:-} Limits__Redis=127.0.0.1:6391"
fi

declare -A PIDS URLS ETAGS
start_variant() { # name dir port settings...
  local name=$1 dir=$2 port=$3; shift 3
  cp "$WORK/gen.db" "$WORK/$name.db"
  # shellcheck disable=SC2086
  (cd "$dir" && exec env ConnectionStrings__Questra="Data Source=$WORK/$name.db" Security__RequireHttps=false Email__Enabled=false \
    ApiKeys__RequestsPerMinutePerKey=100000000 ApiKeys__FailedAuthPerMinute=10000000 "$@" \
    $APP_PIN dotnet Questra.Web.dll --urls "http://127.0.0.1:$port" >>"$WORK/$name.log" 2>&1) &
  PIDS[$name]=$!
  URLS[$name]="http://127.0.0.1:$port"
  for _ in $(seq 1 120); do curl -sf "${URLS[$name]}/healthz" >/dev/null && return 0; sleep 0.5; done
  echo "variant $name did not start; log:" >&2; tail -30 "$WORK/$name.log" >&2; exit 1
}
trap 'kill ${PIDS[*]} ${REDIS_PID:-} 2>/dev/null || true' EXIT
# shellcheck disable=SC2086
start_variant A "$A_DIR" 5081 ${A_ENV:-}
# shellcheck disable=SC2086
start_variant B "$B_DIR" 5082 ${B_ENV:-}
if [ -n "${REDIS_PID:-}" ]; then # show that B really counts its limits in Redis
  curl -s "${URLS[B]}/healthz/ready" | grep -q "shared through Redis" || { echo "LIMITS_REDIS=B but B's limits are not shared" >&2; exit 1; }
fi
use_variant() {
  URL=${URLS[$1]}; APP_PID=${PIDS[$1]}
  [ -z "${ETAGS[$1]:-}" ] || SCENARIOS[not_modified]="/api/surveys/$SMALL_SURVEY $OUT/keys.txt 1 - BENCH_IF_NONE_MATCH=${ETAGS[$1]}"
}

key=$(head -1 "$OUT/keys.txt")
declare -gA SCENARIOS=(
  [healthz]="/healthz - 0"
  [get]="/api/surveys/$SMALL_SURVEY $OUT/keys.txt 1"
  [list]="/api/surveys $OUT/keys.txt 1"
  [metrics_small]="/api/surveys/$SMALL_SURVEY/metrics/responses $OUT/keys.txt 1"
  [bad_checksum]="/api/surveys $OUT/bad-checksum.txt 1000"
)
# The survey read with the ETag its 200 carried, per variant (a tag is sealed with the instance's key ring).
for v in A B; do
  ETAGS[$v]=$(curl -s -o /dev/null -D - -H "Authorization: Bearer $key" -H "X-Org-Id: $ORG" "${URLS[$v]}/api/surveys/$SMALL_SURVEY" |
    awk 'tolower($1) == "etag:" {print $2}' | tr -d '\r')
  got=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" -H "X-Org-Id: $ORG" -H "If-None-Match: ${ETAGS[$v]}" "${URLS[$v]}/api/surveys/$SMALL_SURVEY")
  [ "$got" = 304 ] || { echo "variant $v answered $got to the conditional read" >&2; exit 1; }
done
read -ra endpoints <<<"${ENDPOINTS:-get not_modified}"

echo "warm-up, $WARMUP s of every endpoint on each variant..."
per=$(( WARMUP / (${#endpoints[@]} + 1) + 1 ))
for v in A B; do use_variant "$v"; for s in healthz "${endpoints[@]}"; do run_wrk "$s" "$per" >/dev/null; done; done

: >"$WORK/results.txt"
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then variants=(A B); else variants=(B A); fi
  for v in "${variants[@]}"; do
    use_variant "$v"
    for s in "${endpoints[@]}"; do
      floor=$(run_wrk healthz "$DURATION")
      line=$(run_wrk "$s" "$DURATION")
      echo "$v $round $s $line $floor" | tee -a "$WORK/results.txt"
    done
    if [ "$PAGE_REQUESTS" -gt 0 ]; then
      page=$(dotnet "$BENCH_TOOL" page "$URL" "$OUT" "$PAGE_REQUESTS")
      echo "$v $round page $page" | tee -a "$WORK/pages.txt"
    fi
  done
done

echo
python3 - "$WORK/results.txt" "$WORK/pages.txt" <<'PY'
import sys, statistics, collections, re, os
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    v, rnd, name, rps, _, _, total, bad, cpu, hrps, _, _, _, _, hcpu = line.split()
    rows[(v, name)].append((float(rps) / float(hrps), float(cpu), float(hcpu)))
print(f"{'endpoint':<14}{'variant':<9}{'ratio to /healthz':>18}   rounds{'':<40}{'app CPU us/req':>15}{'/healthz us/req':>16}")
for name in sorted({n for _, n in rows}):
    for v in "AB":
        r = rows[(v, name)]
        print(f"{name:<14}{v:<9}{statistics.median(x[0] for x in r):>18.3f}   {', '.join(f'{x[0]:.3f}' for x in r):<46}"
              f"{statistics.median(x[1] for x in r):>15.1f}{statistics.median(x[2] for x in r):>16.1f}")
    per_round = [b[0] / a[0] for a, b in zip(rows[("A", name)], rows[("B", name)])]
    print(f"{name:<14}B ÷ A    {statistics.median(per_round):>18.3f}   per round: {', '.join(f'{x:.3f}' for x in per_round)}")
if os.path.exists(sys.argv[2]):
    pages = collections.defaultdict(list)
    for line in open(sys.argv[2]):
        v = line.split()[0]
        m = re.search(r"first_render_p50_ms=([\d.]+)", line)
        c = re.search(r"cookies_reissued=(\d+)", line)
        pages[v].append((float(m.group(1)), c.group(1) if c else "?"))
    for v in "AB":
        print(f"API Keys page, variant {v}: p50 {statistics.median(x[0] for x in pages[v]):.1f} ms (rounds {', '.join(f'{x[0]:.1f}' for x in pages[v])}); "
              f"sign-in cookie re-sent on {pages[v][-1][1]} of the timed requests (last round)")
PY
[ -z "${REDIS_PID:-}" ] || echo "Redis script runs during the benchmark: $(redis-cli -p 6391 info commandstats | grep -E '^cmdstat_(evalsha|eval):' | tr -d '\r')"
echo "A: ${A_DIR} ${A_ENV:-}; B: ${B_DIR} ${B_ENV:-}"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD)"
rm -rf "$WORK"
