#!/usr/bin/env python3
"""APScheduler 3.11.3: one job firing every second for N seconds; prints JSON with the skew
(job function entered minus scheduled instant) of each firing, in milliseconds."""
import json
import sys
import threading
import time
from datetime import datetime, timezone

from apscheduler.schedulers.background import BackgroundScheduler

seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
skews = []
done = threading.Event()


def tick(*, scheduled=None):
    # APScheduler passes no scheduled time; the interval trigger fires on whole seconds
    # from its start date, which is set to a whole second below.
    now = time.time()
    skews.append((now - round(now)) * 1000)
    if len(skews) >= seconds:
        done.set()


scheduler = BackgroundScheduler(timezone=timezone.utc)
start = datetime.fromtimestamp(int(time.time()) + 2, tz=timezone.utc)
scheduler.add_job(tick, "interval", seconds=1, start_date=start, misfire_grace_time=None)
scheduler.start()
done.wait(timeout=seconds + 30)
scheduler.shutdown(wait=False)
print(json.dumps({"skews": skews}))
