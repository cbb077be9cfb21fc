#!/usr/bin/env python3
"""Issue 3 benchmarks against the real `sundial` binary (see BENCHMARKS.md).

  scale: 100,000 jobs, each with its own schedule: process start to serving, resident
         memory, idle CPU; then trigger and process-start skew of probe jobs firing every
         second with the 100,000 schedules loaded.
  burst: 10,000 jobs due at one instant, each running `true`, once executed without a
         shell (job `args`, as APScheduler runs it) and once through `/bin/sh -c` (job
         `cmd`): skew of run creation, of process start, and when the last run finished;
         APScheduler 3.11.3 on the same workload in the same run, and the ratios.
  sandboxes: idle CPU with 100,000 finished tasks' sandboxes (their logs) kept on disk,
         which the log retention sweep looks after.

Both also run bench/spawn-floor.c on the same process starts with nothing around them, in
the same run: the machine's floor, which no scheduler can beat.

Usage: bench/run-scheduling-benchmarks.sh [scale|burst|sandboxes|all]
"""
import argparse
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
CLK_TCK = os.sysconf("SC_CLK_TCK")


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 1)) - 1))
    return ordered[index]


def describe(values, unit="ms"):
    return (f"p50 {percentile(values, 0.50):.1f} {unit}, p99 {percentile(values, 0.99):.1f} {unit}, "
            f"max {max(values):.1f} {unit} (n={len(values)})")


class Server:
    def __init__(self, binary, data_dir):
        self.binary, self.data_dir = binary, data_dir
        self.process, self.url = None, None
        self.extra_arguments = []

    def start(self):
        """Starts the server; returns seconds from spawn to answering /ping."""
        log = open(os.path.join(self.data_dir, "server.log"), "ab")
        began = time.monotonic()
        self.process = subprocess.Popen(
            [self.binary, "server", "--port", "0", "--data-dir", self.data_dir, "--log-level", "error", *self.extra_arguments],
            stdout=subprocess.PIPE, stderr=log)
        line = self.process.stdout.readline().decode()
        self.url = line[line.index("http://"):].strip()
        while True:
            try:
                if urllib.request.urlopen(self.url + "/ping", timeout=5).read() == b"pong":
                    return time.monotonic() - began
            except OSError:
                time.sleep(0.002)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)

    def get(self, path):
        return json.load(urllib.request.urlopen(self.url + path, timeout=60))

    def request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        return urllib.request.urlopen(req, timeout=60).status

    def rss_mb(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024

    def cpu_seconds(self):
        with open(f"/proc/{self.process.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def metrics(self):
        return self.get("/v1/metrics")


def create_jobs(server, count, prefix, cron, far_month=1, run_form="cmd"):
    """Creates `count` jobs with wrk; returns the seconds until all were stored and the errors.
    run_form "cmd" runs `true` through /bin/sh -c, "args" executes it without a shell."""
    env = dict(os.environ, COUNT=str(count), PREFIX=prefix, CRON=cron, FAR_MONTH=str(far_month), THREADS="2",
               RUN_FORM=run_form)
    before = int(server.metrics()["gauges"]["metronome.jobs.gauge"]["value"])
    began = time.monotonic()
    # wrk cannot stop after a request count, so it runs for a fixed time and pings once done.
    wrk = subprocess.Popen(["wrk", "-t2", "-c32", f"-d{count // 2000 + 5}s", "-s", os.path.join(HERE, "create-scheduled.lua"), server.url],
                           env=env, stdout=subprocess.PIPE, text=True)
    def stored():
        return int(server.metrics()["gauges"]["metronome.jobs.gauge"]["value"])
    while stored() < before + count and wrk.poll() is None:
        time.sleep(0.05)
    elapsed = time.monotonic() - began
    out = wrk.communicate()[0]
    errors = int(out.split("non-2xx:")[1].split()[0]) if "non-2xx:" in out else -1
    return elapsed, errors


def skew_histograms(server):
    h = server.metrics()["histograms"]
    return h["sundial.schedule.trigger-skew.microseconds"], h["sundial.schedule.process-start-skew.microseconds"]


def spawn_floor(*arguments):
    """The machine's floor (bench/spawn-floor.c, built by run-scheduling-benchmarks.sh)."""
    floor = os.environ.get("SPAWN_FLOOR", os.path.join(HERE, "..", ".build", "spawn-floor"))
    out = subprocess.run([floor, *map(str, arguments)], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def apscheduler_every_second(python, seconds):
    out = subprocess.run([python, os.path.join(HERE, "apscheduler_every_second.py"), str(seconds)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["skews"]


def print_skews(trigger, start):
    print(f"  trigger skew (run created - scheduled): p50 {trigger['p50'] / 1000:.3f} ms, p99 {trigger['p99'] / 1000:.3f} ms, "
          f"max {trigger['max'] / 1000:.3f} ms (n={int(trigger['count'])})")
    print(f"  process started - scheduled:           p50 {start['p50'] / 1000:.3f} ms, p99 {start['p99'] / 1000:.3f} ms, "
          f"max {start['max'] / 1000:.3f} ms (n={int(start['count'])})")


def scale(binary, jobs, probe_seconds, python):
    data = tempfile.mkdtemp(prefix="sundial-scale-")
    try:
        server = Server(binary, data)
        server.start()
        far_month = (time.gmtime().tm_mon + 4) % 12 + 1
        elapsed, errors = create_jobs(server, jobs, "job", "random-far", far_month)
        count = int(server.metrics()["gauges"]["metronome.jobs.gauge"]["value"])
        print(f"created {count} jobs with their own schedules (month {far_month}) in {elapsed:.1f} s, {errors} errors")
        server.stop()
        startup = server.start()
        rss_start = server.rss_mb()
        print(f"start to serving with {count} jobs: {startup * 1000:.0f} ms; RSS {rss_start:.0f} MB")
        time.sleep(5)
        cpu0, t0 = server.cpu_seconds(), time.monotonic()
        time.sleep(20)
        idle = (server.cpu_seconds() - cpu0) / (time.monotonic() - t0) * 100
        print(f"idle CPU over 20 s: {idle:.2f} %; RSS {server.rss_mb():.0f} MB")
        probes = 20
        # Twenty jobs firing every second at the same instant (cron `@every 1s`): a burst.
        for i in range(probes):
            server.request("POST", "/v1/jobs", {
                "id": f"probe-{i}", "run": {"cmd": "true", "cpus": 0.01, "mem": 32, "disk": 0},
                "schedules": [{"id": "tick", "cron": "@every 1s", "startingDeadlineSeconds": 60}]})
        time.sleep(probe_seconds)
        trigger, start = skew_histograms(server)
        print(f"{probes} jobs firing every second at the same instant for {probe_seconds} s, {count} schedules loaded:")
        print_skews(trigger, start)
        for i in range(probes):
            server.request("DELETE", f"/v1/jobs/probe-{i}?stopCurrentJobRuns=true")
        # The same twenty, each at its own offset within the second (ISO 8601 intervals with
        # a millisecond start, through the Chronos API): schedules spread as real ones are.
        # A restart first, so the histograms hold this phase only.
        server.stop()
        server.start()
        base = (int(time.time()) + 2) * 1000
        for i in range(probes):
            start_ms = base + i * 1000 // probes
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(start_ms // 1000)) + f".{start_ms % 1000:03d}Z"
            server.request("POST", "/v1/scheduler/iso8601", {
                "name": f"spread-{i}", "command": "true", "schedule": f"R/{stamp}/PT1S", "epsilon": "PT60S"})
        time.sleep(probe_seconds)
        trigger_spread, start_spread = skew_histograms(server)
        print(f"{probes} jobs firing every second, each at its own offset in the second, for {probe_seconds} s, {count} schedules loaded:")
        print_skews(trigger_spread, start_spread)
        print(f"  RSS {server.rss_mb():.0f} MB; missed slots {int(server.metrics()['counters']['sundial.schedule.missed.counter']['count'])}")
        server.stop()
        floor = spawn_floor("rounds", probes, probe_seconds)["started_ms"]
        print(f"machine floor, {probes} `sh -c true` started at once each second by a bare C loop (nothing recorded): "
              f"started {describe(floor)}")
        print(f"  ratio of p99 process starts (floor / Sundial, same instant): "
              f"{percentile(floor, 0.99) / max(start['p99'] / 1000, 0.001):.2f}x")
        aps = apscheduler_every_second(python, probe_seconds)
        print(f"APScheduler 3.11.3, one job every second, nothing else loaded: skew {describe(aps)}")
        print(f"  ratio of p50 skews (APScheduler / Sundial with {count} schedules and {probes} simultaneous probes): "
              f"{percentile(aps, 0.5) / max(trigger['p50'] / 1000, 0.001):.1f}x")
    finally:
        shutil.rmtree(data, ignore_errors=True)


# The two ways a job runs `true`: its `args` execute it without a shell, as APScheduler's
# `subprocess.run(["true"])` does (the like-for-like comparison); its `cmd` runs
# `/bin/sh -c true`, as Metronome's `cmd` is defined. Each with the machine's floor for the
# same processes (bench/spawn-floor.c: `exec` and `sh`).
BURST_FORMS = [("args", "`true` without a shell (job `args`)", "exec"),
               ("cmd", "`/bin/sh -c true` (job `cmd`)", "sh")]


def sundial_burst(binary, jobs, run_form):
    """One burst of `jobs` runs due at one instant. Returns the per-run delays in ms after the
    scheduled instant (created, started, finished), how many runs did not succeed, and the
    server's trigger-skew histogram."""
    data = tempfile.mkdtemp(prefix="sundial-burst-")
    try:
        server = Server(binary, data)
        server.start()
        target = (int(time.time()) // 60 + 1) * 60
        if target - time.time() < 20:
            target += 60
        t = time.gmtime(target)
        cron = f"{t.tm_min} {t.tm_hour} {t.tm_mday} {t.tm_mon} *"
        elapsed, errors = create_jobs(server, jobs, "burst", cron, run_form=run_form)
        print(f"created {jobs} jobs ({run_form}) due at {time.strftime('%H:%M:%SZ', t)} ({cron}) in {elapsed:.1f} s, {errors} errors")
        while True:
            c = server.metrics()["counters"]
            done = c["metronome.jobs.succeeded.counter"]["count"] + c["metronome.jobs.failed.counter"]["count"]
            if done >= jobs or time.time() > target + 120:
                break
            time.sleep(0.25)
        trigger_h, _ = skew_histograms(server)
        server.stop()
        db = sqlite3.connect(os.path.join(data, "sundial.db"))
        created, started, finished, failed = [], [], [], 0
        for status, created_at, completed_at, scheduled_at, payload in db.execute(
                "SELECT status, created_at, completed_at, scheduled_at, data FROM runs WHERE scheduled_at IS NOT NULL"):
            created.append(created_at - scheduled_at)
            task = json.loads(payload)["tasks"][0]
            if "startedAt" in task:
                started.append(task["startedAt"] - scheduled_at)
            if completed_at:
                finished.append(completed_at - scheduled_at)
            failed += status != "SUCCESS"
        return created, started, finished, failed, trigger_h
    finally:
        shutil.rmtree(data, ignore_errors=True)


def burst(binary, jobs, python_with_apscheduler):
    # This machine's speed drifts by 10 % and more within minutes, so each Sundial burst is
    # followed at once by APScheduler's and by the floor's, and compared with those.
    for form, label, floor_form in BURST_FORMS:
        created, started, finished, failed, trigger_h = sundial_burst(binary, jobs, form)
        print(f"sundial, {label}: {len(created)} runs recorded, {len(finished)} finished, {failed} not successful")
        print(f"  run created - scheduled:     {describe(created)}  [µs histogram: p50 {trigger_h['p50'] / 1000:.1f} ms, p99 {trigger_h['p99'] / 1000:.1f} ms]")
        print(f"  process started - scheduled: {describe(started)}")
        print(f"  finished - scheduled:        {describe(finished)}")
        out = subprocess.run([python_with_apscheduler, os.path.join(HERE, "apscheduler_burst.py"), str(jobs)],
                             capture_output=True, text=True, check=True).stdout
        aps = json.loads(out)
        print(f"APScheduler 3.11.3 right after (BackgroundScheduler, default executor), same {jobs} jobs, each "
              f"`subprocess.run([\"true\"])`, nothing recorded:")
        print(f"  job started - scheduled:     {describe(aps['started'])}")
        print(f"  finished - scheduled:        {describe(aps['finished'])}")
        floor = spawn_floor("burst", jobs, floor_form)
        print(f"machine floor right after, {jobs} {label.split(' (')[0]} started by a bare C loop (nothing recorded, no sandbox): "
              f"last started {floor['last_started_ms']:.0f} ms, all exited {floor['all_exited_ms']:.0f} ms")
        print(f"  ratio floor / Sundial (all finished): {floor['all_exited_ms'] / max(max(finished), 1):.2f}x")
        print(f"  ratios APScheduler / Sundial {form} (higher is better for Sundial):")
        for name, ours, theirs in [("start skew p50", percentile(started, 0.5), percentile(aps["started"], 0.5)),
                                   ("start skew p99", percentile(started, 0.99), percentile(aps["started"], 0.99)),
                                   ("all finished", max(finished), max(aps["finished"]))]:
            print(f"    {name}: {theirs:.0f} ms / {ours:.0f} ms = {theirs / max(ours, 1):.2f}x")


def make_sandboxes(root, jobs, runs_per_job):
    """Finished tasks' sandboxes as the executor leaves them: `<job>/<run>/<task>/{stdout,stderr}`."""
    for j in range(jobs):
        for r in range(runs_per_job):
            task = os.path.join(root, f"job-{j}", f"run-{r}", f"run-{r}.task")
            os.makedirs(task)
            for stream in ("stdout", "stderr"):
                with open(os.path.join(task, stream), "w") as f:
                    f.write("done\n" if stream == "stdout" else "")


def sandboxes(binary, jobs, runs_per_job, seconds):
    data = tempfile.mkdtemp(prefix="sundial-sandboxes-")
    try:
        began = time.monotonic()
        make_sandboxes(os.path.join(data, "sandboxes"), jobs, runs_per_job)
        print(f"made {jobs * runs_per_job} finished sandboxes in {time.monotonic() - began:.0f} s")
        server = Server(binary, data)
        # The sweep every 10 s instead of every minute: six sweeps in the measurement.
        server.extra_arguments = ["--log-sweep-interval", "10s"]
        startup = server.start()
        cpu_start = server.cpu_seconds()
        print(f"start to serving: {startup * 1000:.0f} ms, CPU {cpu_start:.2f} s")
        time.sleep(15)
        cpu0, t0 = server.cpu_seconds(), time.monotonic()
        print(f"CPU in the first 15 s (the walk of the sandboxes at start, one sweep): {cpu0 - cpu_start:.2f} s")
        time.sleep(seconds)
        spent = server.cpu_seconds() - cpu0
        elapsed = time.monotonic() - t0
        print(f"CPU from 15 s after start for {elapsed:.0f} s, sweep every 10 s: {spent:.2f} s "
              f"({spent / elapsed * 100:.2f} % of a core); RSS {server.rss_mb():.0f} MB")
        server.stop()
    finally:
        shutil.rmtree(data, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=["scale", "burst", "sandboxes", "all"])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--python", default=sys.executable, help="a Python with apscheduler==3.11.3")
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--burst-jobs", type=int, default=10_000)
    parser.add_argument("--probe-seconds", type=int, default=30)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, {os.uname().release}; binary {args.binary}")
    if args.scenario in ("scale", "all"):
        print("\n== 100,000 schedules ==")
        scale(args.binary, args.jobs, args.probe_seconds, args.python)
    if args.scenario in ("burst", "all"):
        print("\n== 10,000 jobs due at one instant ==")
        burst(args.binary, args.burst_jobs, args.python)
    if args.scenario in ("sandboxes", "all"):
        print("\n== 100,000 finished sandboxes kept ==")
        sandboxes(args.binary, 10_000, 10, 60)


if __name__ == "__main__":
    main()
