#!/usr/bin/env bash
# The public form's cost (issue 21): POST /s/{public id} throughput as a ratio to GET /healthz measured just
# before it, and the survey API's reads with and without a stream of submissions beside them. Run by hand on an
# otherwise idle machine:  bash bench/submit.sh
# Small generated database, shipped settings (Production, SQLite in WAL mode), only the limits raised; every
# submission is a real one: antiforgery checked, answers checked, one response stored (302 to the thank-you page).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8}
WARMUP=${WARMUP:-40}
BACKGROUND_RATE=${BACKGROUND_RATE:-50} # submissions per second beside the reads
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_build
WORK=$(mktemp -d)
DB="$WORK/small.db"
OUT="$WORK/small"
dotnet "$BENCH_TOOL" generate "$DB" "$OUT"
# shellcheck disable=SC1091
source "$OUT/meta.env"
export ORG
app_start ApiKeys__RequestsPerMinutePerKey=100000000 ApiKeys__FailedAuthPerMinute=10000000 \
  Surveys__SubmissionsPerMinutePerAddress=1000000000

# One form token and its cookie from the form page, and an answer to its first rating question.
curl -sf -c "$WORK/jar" "$URL/s/$SMALL_PUBLIC" >"$WORK/form.html"
TOKEN=$(grep -o 'name="form_token" value="[^"]*"' "$WORK/form.html" | sed 's/.*value="//; s/"$//')
FIELD=$(grep -o 'name="q[0-9]*" value="3"' "$WORK/form.html" | head -1 | sed 's/name="//; s/".*//')
COOKIE=$(awk '$6 ~ /questra-form/ {print $6 "=" $7}' "$WORK/jar")
export BENCH_BODY="$FIELD=3&form_token=$TOKEN" BENCH_COOKIE="$COOKIE"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" --data "$BENCH_BODY" "$URL/s/$SMALL_PUBLIC")" = 302 ] \
  || { echo "a test submission was not stored" >&2; exit 1; }

declare -gA SCENARIOS=(
  [healthz]="/healthz - 0"
  [submit]="/s/$SMALL_PUBLIC - 0 bench/lua/submit.lua"
  [get]="/api/surveys/$SMALL_SURVEY $OUT/keys.txt 1"
  [metrics_small]="/api/surveys/$SMALL_SURVEY/metrics/responses $OUT/keys.txt 1"
)

# A steady stream of submissions (about BACKGROUND_RATE a second, one paced wrk connection on wrk's core) while a
# read is measured.
background_submissions() {
  BENCH_PATH="/s/$SMALL_PUBLIC" BENCH_DELAY_MS=$((1000 / BACKGROUND_RATE)) \
    $WRK_PIN wrk -t1 -c1 -d"$1"s -s bench/lua/submit-paced.lua "$URL" >"$WORK/background.txt"
}

echo "warm-up, $WARMUP s..."
for s in healthz submit get metrics_small; do run_wrk "$s" $((WARMUP / 4)) >/dev/null; done
: >"$WORK/results.txt"
for round in $(seq 1 "$ROUNDS"); do
  for s in submit get metrics_small; do
    floor=$(run_wrk healthz "$DURATION")
    line=$(run_wrk "$s" "$DURATION")
    echo "$round $s $line $floor" | tee -a "$WORK/results.txt"
  done
  for s in get metrics_small; do
    floor=$(run_wrk healthz "$DURATION")
    background_submissions "$DURATION" & BG=$!
    line=$(run_wrk "$s" "$DURATION")
    wait "$BG"
    sent=$(awk '/requests in/ {print $1}' "$WORK/background.txt")
    echo "$round ${s}+submissions $line $floor" | tee -a "$WORK/results.txt"
    echo "  (beside it: $sent submissions in $DURATION s)"
  done
done
STORED=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from SurveyResponses where SurveyId=?', (sys.argv[2],)).fetchone()[0])" "$DB" "$SMALL_SURVEY")
bench_stop_app

echo
python3 - "$WORK/results.txt" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    rnd, name, rps, _, p99, total, bad, cpu, hrps, _, _, _, _, hcpu = line.split()
    rows[name].append((float(rps) / float(hrps), float(cpu), float(rps), float(p99), int(bad)))
print(f"{'scenario':<26}{'ratio to /healthz':>19}{'  (rounds)':<24}{'app CPU us/req':>15}{'req/s':>8}{'p99 ms':>8}   other answers")
for name, r in rows.items():
    print(f"{name:<26}{statistics.median(x[0] for x in r):>19.3f}  ({', '.join(f'{x[0]:.3f}' for x in r)}){'':<2}"
          f"{statistics.median(x[1] for x in r):>13.1f}{statistics.median(x[2] for x in r):>8.0f}{statistics.median(x[3] for x in r):>8.1f}   {sum(x[4] for x in r)}")
PY
echo "responses stored in the measured survey: $STORED"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD)"
rm -rf "$WORK"
