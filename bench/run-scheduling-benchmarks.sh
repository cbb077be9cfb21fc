#!/usr/bin/env bash
# Issue 3 benchmarks: 100,000 schedules (start, memory, idle CPU, skew) and 10,000 jobs due
# at one instant compared with APScheduler 3.11.3, plus cron next-fire evaluations per second.
# Usage: bench/run-scheduling-benchmarks.sh [scale|burst|sandboxes|cron|all]
set -euo pipefail
cd "$(dirname "$0")/.."
SCENARIO="${1:-all}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
swift build -c release --product sundial >/dev/null
swift build -c release --product sundial-cron-bench >/dev/null
# The machine's floor: the same process starts with nothing around them.
cc -O2 -o .build/spawn-floor bench/spawn-floor.c
VENV=.build/bench-venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q apscheduler==3.11.3
fi
# 10,000 tasks at once need more descriptors than the usual default.
ulimit -n 65536 || true
if [ "$SCENARIO" = cron ] || [ "$SCENARIO" = all ]; then
  echo "== cron next-fire evaluations, one core =="
  taskset -c 1 .build/release/sundial-cron-bench 1000000
fi
if [ "$SCENARIO" != cron ]; then
  python3 bench/scheduling_bench.py "$SCENARIO" --binary .build/release/sundial --python "$VENV/bin/python"
fi
