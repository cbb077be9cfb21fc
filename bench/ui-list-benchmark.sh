#!/usr/bin/env bash
# GET /api/jobs (the web UI's job list) with 100,000 jobs loaded: pages of a folder, and
# filters that scan every job. Usage: bench/ui-list-benchmark.sh [jobs] [seconds]
# BUILD=debug measures the debug binary instead of a release build.
#
# The jobs are written straight into the database while the server is stopped (copies of
# one job created through the API, in 100 top-level groups, every tenth labelled
# team=data), so loading 100,000 jobs takes seconds even with a debug build; the server
# then starts on that database, as it would after a restart.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${1:-100000}"
DURATION="${2:-5}"
BUILD="${BUILD:-release}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
swift build -c "$BUILD" --product sundial >/dev/null
BIN=.build/$BUILD/sundial
DATA=$(mktemp -d /tmp/sundial-ui-bench-XXXXXX)
LOG=$DATA/server.log
SERVER=
start_server() {
    : >"$LOG"
    $BIN server --port 0 --data-dir "$DATA" --log-level error >"$LOG" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 600); do grep -q "listening on" "$LOG" && break; sleep 0.1; done
    URL=$(grep -o 'http://[0-9.:]*' "$LOG" | head -1)
}
stop_server() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; }
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT

start_server
curl -s -o /dev/null -X POST "$URL/v1/jobs" -H 'Content-Type: application/json' \
    -d '{"id":"template","description":"A job like the others","run":{"cmd":"true","cpus":0.01,"mem":32,"disk":0}}'
stop_server
python3 - "$DATA/sundial.db" "$JOBS" <<'PY'
import json, sqlite3, sys
db, count = sqlite3.connect(sys.argv[1]), int(sys.argv[2])
(spec, updated), = db.execute("SELECT spec, updated_at FROM jobs WHERE id = 'template'")
template = json.loads(spec)
def rows():
    for n in range(count):
        job = dict(template, id=f"grp-{n % 100}.job-{n:06d}", labels={"team": "data"} if n % 10 == 0 else {})
        yield job["id"], json.dumps(job), updated
db.executemany("INSERT INTO jobs (id, spec, updated_at) VALUES (?, ?, ?)", rows())
db.execute("DELETE FROM jobs WHERE id = 'template'")
db.commit()
PY
START=$(date +%s.%N)
start_server
echo "server: $URL ($BUILD build); machine: $(nproc) cores"
echo "jobs loaded: $(curl -s "$URL/v1/metrics" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["gauges"]["metronome.jobs.gauge"]["value"]))') (start-up $(python3 -c "import time; print(round(time.time() - $START, 1))") s)"

scenario() {
    local name=$1 path=$2
    echo
    echo "== $name: GET $path =="
    curl -s -o /dev/null -w "one request: %{time_total}s, %{size_download} bytes\n" "$URL$path"
    wrk -t2 -c8 -d"${DURATION}s" "$URL$path" | grep -E "Requests/sec|Latency|Non-2xx" || true
}
scenario "first listing (sorts the id index once)" "/api/jobs"
scenario "top level (100 folders)" "/api/jobs"
scenario "first page of a folder (1,000 jobs)" "/api/jobs?group=grp-7&limit=50"
scenario "last page of a folder" "/api/jobs?group=grp-7&offset=950&limit=50"
scenario "search every job by text" "/api/jobs?q=zzz-no-match&recursive=true"
scenario "status filter over every job" "/api/jobs?status=failed&recursive=true"
scenario "label filter, deep page" "/api/jobs?label=team%3Ddata&recursive=true&offset=5000&limit=50"

echo
echo "== first listing after a create (the sorted id index is rebuilt) =="
curl -s -o /dev/null -X POST "$URL/v1/jobs" -H 'Content-Type: application/json' -d '{"id":"aaa-new","run":{"cmd":"true","cpus":0.01,"mem":32,"disk":0}}'
curl -s -o /dev/null -w "one request: %{time_total}s\n" "$URL/api/jobs"
curl -s -o /dev/null -w "next request: %{time_total}s\n" "$URL/api/jobs"
