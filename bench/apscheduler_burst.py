#!/usr/bin/env python3
"""APScheduler 3.11.3 on the burst workload: N jobs due at one instant, each running `true`
as a subprocess. Prints JSON with per-job start and finish offsets from the scheduled
instant, in milliseconds. Default BackgroundScheduler configuration; misfire grace
unlimited so no job is dropped."""
import json
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone

from apscheduler.schedulers.background import BackgroundScheduler

count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
started, finished = [], []
lock = threading.Lock()
all_done = threading.Event()


def run_true(scheduled):
    begin = time.time()
    subprocess.run(["true"], check=False)
    end = time.time()
    with lock:
        started.append((begin - scheduled) * 1000)
        finished.append((end - scheduled) * 1000)
        if len(finished) == count:
            all_done.set()


scheduler = BackgroundScheduler(timezone=timezone.utc)
target = int(time.time()) + 10
when = datetime.fromtimestamp(target, tz=timezone.utc)
for i in range(count):
    scheduler.add_job(run_true, "date", run_date=when, args=[float(target)], id=str(i), misfire_grace_time=None)
scheduler.start()
all_done.wait(timeout=300)
scheduler.shutdown(wait=False)
print(json.dumps({"started": started, "finished": finished}))
