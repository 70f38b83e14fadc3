# Shared by bench/run.sh and bench/profile.sh (sourced, not run): settings, building, the generated database,
# starting and stopping the app (or the bench's host of it), and one wrk run.
# Under set -e a failing step would end the script without a word; say which one.
trap 'echo "bench: \"$BASH_COMMAND\" failed (line $LINENO)" >&2' ERR
CONNECTIONS=${CONNECTIONS:-16}
PORT=${PORT:-5080}
URL="http://127.0.0.1:$PORT"
# CPU pinning so the load generator does not steal the app's core (default on a machine with 2+ cores; set
# APP_CPUS= WRK_CPUS= to turn it off, or e.g. APP_CPUS=0-3 WRK_CPUS=4-5 on a bigger machine).
if [ "$(nproc)" -ge 2 ]; then APP_CPUS=${APP_CPUS-0} WRK_CPUS=${WRK_CPUS-1}; fi
APP_PIN=${APP_CPUS:+taskset -c $APP_CPUS}
WRK_PIN=${WRK_CPUS:+taskset -c $WRK_CPUS}
BENCH_TOOL=bench/Questra.Bench/bin/Release/net10.0/Questra.Bench.dll
APP_DIR=Questra.Web/bin/Release/net10.0

# Installs wrk if missing and builds the app and the bench tool in Release.
bench_build() {
  command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
  dotnet build -c Release Questra.Web -v q -nologo >/dev/null
  dotnet build -c Release bench/Questra.Bench -v q -nologo >/dev/null
}

# Builds Release and generates the database into a fresh $WORK: $DB, $OUT (secrets, ids), $ORG, $USER_ID, $BIG_SURVEY.
bench_prepare() {
  bench_build
  WORK=$(mktemp -d)
  DB="$WORK/bench.db"
  OUT="$WORK/out"
  dotnet "$BENCH_TOOL" generate "$DB" "$OUT"
  # shellcheck disable=SC1091
  source "$OUT/meta.env"
  export ORG
}

# The wrk scenarios, name -> "path keyfile keycount" ("-": no key, the benchmark bypass). Needs bench_prepare first.
bench_scenarios() {
  declare -gA SCENARIOS=(
    [baseline]="/api/surveys - 0"
    [one_key]="/api/surveys $OUT/keys.txt 1"
    [keys_1000]="/api/surveys $OUT/keys.txt 1000"
    [bad_checksum]="/api/surveys $OUT/bad-checksum.txt 1000"
    [unknown_key]="/api/surveys $OUT/unknown.txt 1000"
    [metrics_100k]="/api/surveys/$BIG_SURVEY/metrics/responses $OUT/keys.txt 1"
  )
}

# One scenario from the table for wrk: name seconds connections; wrk's report on stdout. A scenario is
# "path keyfile keycount [script [NAME=value...]]": the wrk script defaults to lua/keys.lua (GETs with keys; "-"
# names the default too), and the NAME=value words are set in wrk's environment (BENCH_ORG, BENCH_IF_NONE_MATCH).
run_scenario_raw() {
  local path file count script extra
  read -r path file count script extra <<<"${SCENARIOS[$1]}"
  [ "$file" = "-" ] && file=""
  [ "$script" = "-" ] && script=""
  (
    for assignment in $extra; do export "${assignment?}"; done
    BENCH_SCRIPT="${script:-bench/lua/keys.lua}" run_wrk_raw "$path" "$file" "$count" "$2" "$3"
  )
}

# One measured wrk window of a scenario from $SCENARIOS on the running app: name seconds ->
# "rps p50_ms p99_ms total non2xx cpu_us_per_request" (the app's CPU time from /proc over the window).
run_wrk() {
  local cpu_before cpu_after
  cpu_before=$(app_cpu_ticks)
  run_scenario_raw "$1" "$2" "$CONNECTIONS" >"$WORK/wrk.txt"
  cpu_after=$(app_cpu_ticks)
  python3 - "$WORK/wrk.txt" "$((cpu_after - cpu_before))" "$(getconf CLK_TCK)" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
ticks, hz = int(sys.argv[2]), int(sys.argv[3])
def ms(label):
    m = re.search(r"^\s*" + label + r"\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
total = int(re.search(r"(\d+) requests in", text).group(1))
print(f"{rps:.0f} {ms('50%'):.3f} {ms('99%'):.3f} {total} {non2xx.group(1) if non2xx else 0} {ticks / hz * 1e6 / total:.1f}")
PY
}

# Starts the app on $URL in the bench's host, which adds the baseline (an /api request without a key acts as a
# fixed key; the shipped app has no such door), limits out of reach, Warning logs.
bench_start_app() {
  APP_CMD="$PWD/$BENCH_TOOL serve $URL $OUT" app_start \
    ApiKeys__RequestsPerMinutePerKey=100000000 ApiKeys__FailedAuthPerMinute=10000000 \
    Logging__LogLevel__Default=Warning Logging__LogLevel__Questra.Web.Features.Audit.UsageRecorder=Information "$@"
}

# Starts the app on $URL with the database $DB and its shipped settings otherwise (extra environment assignments
# as arguments), waits until it answers; sets $APP_PID.
app_start() {
  (cd "$APP_DIR" && exec env ConnectionStrings__Questra="Data Source=$DB" Security__RequireHttps=false Email__Enabled=false "$@" \
    $APP_PIN dotnet ${APP_CMD:-Questra.Web.dll --urls $URL} >>"$WORK/app.log" 2>&1) &
  APP_PID=$!
  APP_STARTED=$(date +%s)
  trap 'kill $APP_PID 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do curl -sf "$URL/healthz" >/dev/null && return 0; sleep 0.5; done
  echo "app did not start; log:" >&2; tail -30 "$WORK/app.log" >&2; exit 1
}

# Graceful stop (SIGTERM: the usage buffer is flushed) and wait for the process to end.
bench_stop_app() {
  kill -TERM "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
  trap - EXIT
}

# CPU time the app has used so far, in clock ticks (user + system, from /proc).
app_cpu_ticks() { awk '{print $14 + $15}' "/proc/$APP_PID/stat"; }

# One wrk run: path keyfile(or "") keycount seconds connections; wrk's report on stdout.
run_wrk_raw() {
  BENCH_PATH="$1" BENCH_KEYFILE="$2" BENCH_KEYS="$3" \
    $WRK_PIN wrk -t1 -c"$5" -d"$4"s --latency -s "${BENCH_SCRIPT:-bench/lua/keys.lua}" "$URL"
}
