#!/usr/bin/env python3
"""Latency from a key press in the controlling terminal to the change on the mirror's screen.

Usage: benches/mirror_latency.py [RUNS]   (uses target/release/convene, or $CONVENE_BIN; needs tmux)
Runs a facilitator session and `convene mirror` in two tmux sessions, presses n (next stage) and
polls the mirror's screen every 5 ms until its header shows the new stage number. The figure includes the
controlling screen handling the key and writing the event (the mirror polls the log every 100 ms).
RUNS is 10 by default (at most 5 are made: the protocol has 6 stages), 1 with
CONVENE_BENCH_QUICK=1 (only to check that the bench runs).
"""
import os, statistics, subprocess, sys, tempfile, time

quick = os.environ.get("CONVENE_BENCH_QUICK") == "1"
runs = int(sys.argv[1]) if len(sys.argv) > 1 else (1 if quick else 10)
binary = os.path.abspath(os.environ.get("CONVENE_BIN", "target/release/convene"))
sock = f"convene-mirror-bench-{os.getpid()}"
stages = [f"stage {k} of 6" for k in range(2, 7)]

def tmux(*args):
    return subprocess.run(["tmux", "-L", sock, "-f", "/dev/null", *args], check=True,
                          capture_output=True, text=True).stdout

# Generous: a wait only, not a budget (the latency is the measurement).
def wait_for(session, text, timeout=60.0):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if text in tmux("capture-pane", "-t", session, "-p"):
            return time.monotonic()
        time.sleep(0.005)
    raise SystemExit(f"{text!r} did not appear in {session}:\n{tmux('capture-pane', '-t', session, '-p')}")

# The programs in the panes, so the folder is removed only once they are gone: convene writes
# its log as it ends (tmux's hang-up), and a log removed under a running session is written again.
pids = []

def pane_pid(session):
    pid = tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip()
    if pid:
        pids.append(pid)

times = []
with tempfile.TemporaryDirectory() as data:
    try:
        tmux("new-session", "-d", "-s", "f", "-x", "120", "-y", "40",
             f"exec env CONVENE_DATA_DIR={data} {binary} run project-tuning --people 'Ann,Ben,Cat,Dev'")
        pane_pid("f")
        wait_for("f", "READY")
        tmux("send-keys", "-t", "f", " ")
        wait_for("f", "RUNNING")
        tmux("new-session", "-d", "-s", "m", "-x", "120", "-y", "40",
             f"exec env CONVENE_DATA_DIR={data} {binary} mirror")
        pane_pid("m")
        # The mirror shows the running stage (it has no footer of its own to wait for).
        wait_for("m", "RUNNING")
        for i in range(min(runs, len(stages))):
            t0 = time.monotonic()
            tmux("send-keys", "-t", "f", "n")
            t1 = wait_for("m", stages[i])
            times.append((t1 - t0) * 1000)
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
        # Bounded: 10 s for each to end.
        for pid in pids:
            t0 = time.monotonic()
            while os.path.exists(f"/proc/{pid}") and time.monotonic() - t0 < 10:
                time.sleep(0.05)
print(f"mirror latency over {len(times)} stage changes: median {statistics.median(times):.0f} ms, worst {max(times):.0f} ms")
