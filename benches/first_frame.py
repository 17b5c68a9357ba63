#!/usr/bin/env python3
"""Time from starting `convene run` to its first frame on a real pseudo-terminal.

Usage: benches/first_frame.py [RUNS]   (uses target/release/convene, or $CONVENE_BIN)
Prints the median and worst of RUNS starts (default 20; 2 with CONVENE_BENCH_QUICK=1, only to
check that the bench runs).
"""
import os, pty, select, statistics, subprocess, sys, tempfile, time, fcntl, termios, struct

quick = os.environ.get("CONVENE_BENCH_QUICK") == "1"
runs = int(sys.argv[1]) if len(sys.argv) > 1 else (2 if quick else 20)
binary = os.environ.get("CONVENE_BIN", "target/release/convene")
times = []
for _ in range(runs):
    with tempfile.TemporaryDirectory() as data:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = dict(os.environ, CONVENE_DATA_DIR=data, TERM="xterm-256color")
        t0 = time.monotonic()
        p = subprocess.Popen([binary, "run", "project-tuning", "--people", "Ann,Ben,Cat,Dev"],
                             stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
        seen = b""
        while b"READY" not in seen:
            # Generous: a wait only, not a budget (the figure is the measurement).
            r, _, _ = select.select([master], [], [], 60)
            if not r:
                raise SystemExit(f"no frame within 60 s; the screen so far: {seen!r}")
            seen += os.read(master, 65536)
        times.append((time.monotonic() - t0) * 1000)
        p.kill(); p.wait()
        os.close(master); os.close(slave)
print(f"first frame over {runs} starts: median {statistics.median(times):.1f} ms, worst {max(times):.1f} ms")
