#!/usr/bin/env python3
"""sundial-executor alone (no HTTP, no store): N tasks running `true`, all launch requests
sent at once over its socket; reports launches/s, launches+exits/s and the executor's own CPU
per thread.

On this machine's disk (ext4 without a journal) creating inodes gets slow for a minute or more
after many deletions, including this script's own clean-up of its previous run: wait between
runs, or compare with a tmpfs SANDBOX_ROOT.

Usage: bench/executor_bench.py BINARY [N] [SANDBOX_ROOT] [--ready-made]
  BINARY        a built sundial-executor (.build/release/sundial-executor)
  --ready-made  announce the N launches first ('E') and wait until the executor's pool holds
                N ready-made sandboxes (docs/executor.md), as before a scheduled burst
  SANDBOX_ROOT  where sandboxes go (default: the temporary data directory), e.g. /dev/shm/x
                to separate filesystem cost from process cost
"""
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

SOCKET = "executor-v1.sock"


def frame(kind, *fields):
    body = kind.encode() + b"".join(f.encode() + b"\0" for f in fields)
    return struct.pack("<I", len(body)) + body


def frames(sock):
    buffer = b""
    while True:
        while len(buffer) >= 4:
            n = struct.unpack("<I", buffer[:4])[0]
            if len(buffer) < 4 + n:
                break
            body, buffer = buffer[4:4 + n], buffer[4 + n:]
            yield chr(body[0]), [x.decode() for x in body[1:].split(b"\0")[:-1]]
        chunk = sock.recv(1 << 20)
        if not chunk:
            return
        buffer += chunk


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for_pool(data, count):
    pool = os.path.join(data, "sandboxes", ".pool")
    began = time.monotonic()
    while True:
        names = os.listdir(pool) if os.path.isdir(pool) else []
        if sum(n.startswith("t") for n in names) >= count:
            return time.monotonic() - began
        time.sleep(0.1)


def main():
    ready_made = "--ready-made" in sys.argv
    sys.argv = [a for a in sys.argv if a != "--ready-made"]
    binary = os.path.abspath(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    data = tempfile.mkdtemp(prefix="sundial-executor-bench-")
    root = sys.argv[3] if len(sys.argv) > 3 else data + "/sandboxes"
    os.makedirs(os.path.join(data, "sandboxes"))  # as the server makes it; the pool lives there
    executor = subprocess.Popen([binary, data], start_new_session=True, stderr=subprocess.DEVNULL)
    try:
        while not os.path.exists(os.path.join(data, SOCKET)):
            time.sleep(0.005)
        sock = socket.socket(socket.AF_UNIX)
        sock.connect(os.path.join(data, SOCKET))
        if ready_made:
            sock.sendall(frame("E", str(count)))
            print(f"pool of {count} ready-made sandboxes made in {wait_for_pool(data, count):.1f} s")
        env = "PATH=/usr/bin:/bin"
        requests = b"".join(
            frame("L", f"t{i}", f"{root}/job/r{i}/t{i}", "3000", "", "", "", "sh", "1", "true", "1", env)
            for i in range(count))
        began = time.monotonic()
        sock.sendall(requests)
        launched = exited = 0
        all_launched = None
        for kind, fields in frames(sock):
            if kind == "l":
                launched += 1
                if launched == count:
                    all_launched = time.monotonic()
            elif kind == "e":
                exited += 1
                if exited == count:
                    break
            elif kind == "f":
                sys.exit(f"launch failed: {fields}")
        ended = time.monotonic()
        # The process spawned above stays as the executor's guardian; the executor proper
        # writes its pid into the lock file (an older executor is the spawned process itself).
        pid = int(open(os.path.join(data, "executor.lock")).read())
        cpu = cpu_seconds(pid)
        threads = {t: cpu_seconds(f"{pid}/task/{t}") for t in os.listdir(f"/proc/{pid}/task")}
        print(f"{count} tasks of `true`: all started after {all_launched - began:.2f} s "
              f"({count / (all_launched - began):.0f}/s), all exited after {ended - began:.2f} s "
              f"({count / (ended - began):.0f}/s); executor CPU {cpu:.2f} s "
              f"({cpu / count * 1e6:.0f} µs per task: "
              + ", ".join(f"{'main thread' if int(t) == pid else 'sandbox preparer'} {c:.2f} s" for t, c in threads.items())
              + f"); load average {os.getloadavg()[0]:.2f}")
        sock.sendall(b"".join(frame("A", f"t{i}") for i in range(count)) + frame("X"))
        executor.wait(timeout=10)
    finally:
        if executor.poll() is None:
            executor.kill()
        shutil.rmtree(data, ignore_errors=True)
        if len(sys.argv) > 3:
            shutil.rmtree(os.path.join(root, "job"), ignore_errors=True)


if __name__ == "__main__":
    main()
