#!/usr/bin/env bash
# Issue 2 benchmarks over loopback: durable creates/s, GET by id/s, runs of `true`/s.
# Usage: bench/run-benchmarks.sh [seconds-per-scenario]   (results go to stdout)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
swift build -c release --product sundial >/dev/null
BIN=.build/release/sundial
DATA=$(mktemp -d /tmp/sundial-bench-XXXXXX)
LOG=$DATA/server.log
$BIN server --port 0 --data-dir "$DATA" --log-level error >"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 100); do grep -q "listening on" "$LOG" && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$LOG" | head -1)
echo "server: $URL (release build, data dir $DATA, synchronous=FULL WAL)"
echo "machine: $(nproc) cores; $(uname -r)"

echo
echo "== POST /v1/jobs (durable creates) =="
wrk -t2 -c64 -d"${DURATION}s" -s bench/create.lua "$URL" | grep -E "Requests/sec|Latency|non-2xx"
echo "jobs stored: $(curl -s "$URL/v1/metrics" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["gauges"]["metronome.jobs.gauge"]["value"]))')"

echo
echo "== GET /v1/jobs/{id} =="
curl -s -X POST "$URL/v1/jobs" -H 'Content-Type: application/json' \
  -d '{"id":"bench-get","run":{"cmd":"true","cpus":0.01,"mem":32,"disk":0},"schedules":[{"id":"daily","cron":"0 3 * * *"}]}' >/dev/null
wrk -t2 -c64 -d"${DURATION}s" "$URL/v1/jobs/bench-get" | grep -E "Requests/sec|Latency|Non-2xx" || true

echo
echo "== runs of \`true\`: started and finished, each recorded before its process starts =="
curl -s -X POST "$URL/v1/jobs" -H 'Content-Type: application/json' \
  -d '{"id":"bench-true","run":{"cmd":"true","cpus":0.01,"mem":32,"disk":0}}' >/dev/null
START=$(date +%s.%N)
wrk -t1 -c128 -d"${DURATION}s" -s bench/run.lua "$URL" | grep -E "Requests/sec|non-2xx"
# Wait until every started run has finished.
python3 - "$URL" "$START" <<'PY'
import json, sys, time, urllib.request
url, start = sys.argv[1], float(sys.argv[2])
while True:
    info = json.load(urllib.request.urlopen(url + "/v1/jobs/bench-true?embed=activeRuns&embed=historySummary"))
    active = len(info.get("activeRuns", []))
    if active == 0:
        break
    time.sleep(0.05)
end = time.time()
s = info["historySummary"]
done = s["successCount"] + s["failureCount"]
print(f"runs finished: {done} (success {s['successCount']}, failed {s['failureCount']}) in {end - start:.2f} s "
      f"= {done / (end - start):.0f} runs/s started and finished")
PY
