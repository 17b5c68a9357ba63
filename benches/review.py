#!/usr/bin/env python3
"""The review budgets of issue 14, measured on convene's own process at 100 and 100,000 logs.

Usage: benches/review.py [SIZE ...]        (default: 100 100000; 100 1000 with CONVENE_BENCH_QUICK=1)
       CONVENE_BENCH_LAYOUT=flat benches/review.py ...   (every log in sessions/ itself, as
                                                          before month folders)

Uses target/release/convene (or $CONVENE_BIN) and target/release/examples/gen_logs (or
$CONVENE_GEN; built if missing). Data sets are made once with `gen_logs --seed 7` (`--flat`
for the flat layout) under $CONVENE_BENCH_DIR (default /tmp/convene-bench), as months-N or
flat-N, and kept for the next run; every index lives in a cache folder of its own there
(cache-months-N, cache-flat-N), made anew by each run. Each figure is the wall time of one
convene process, from its start to its exit (or to its first frame, on a pseudo-terminal of 120x40), and its peak
RSS from the kernel (GNU time's %M, or VmHWM at the first frame): the median time of several
runs and the largest peak, unless said otherwise.

Measured, for each size:
  first index build from nothing        `logs list --person nobody` with no index (once)
  update after one new session          `logs show NEW` just after a new log was made an hour
                                        ago (as `convene run` finds it when it ends), the
                                        command after it, and just after a log arrived by sync
                                        (written elsewhere, renamed in), also with the folder's
                                        time set back as `rsync -a` or `touch -r` leave it; in the
                                        month layout the new log goes into the fullest month folder
  logs show ID / logs export ID         an index already up to date
  logs list --person X (X: a whole name), report, actions
  run action-learning --group X         to its first frame (READY), the index up to date, and
                                        just after a new log arrived (the folder is listed)
  convene logs (the browser)            to its first frame
  logs list, first screen               on a pseudo-terminal of 120x40: to its column header
  the index's size                      its file, once built

Cold (issue 24: after a reboot, or a laptop that slept a weekend): the same first frames,
`logs show ID`, `report`, `logs list --person X`, `actions` and the list's first screen, each run
with the page cache dropped for the index and the logs. As root, before each run: `sync`, then
every clean cached page, folder entry and inode is dropped (drop_caches 3), and convene's binary
is read back in (see `cold`). Without root only the index's and the logs' pages are dropped
(posix_fadvise), and the script says so. CONVENE_BENCH_CACHE=warm leaves the cold runs out.
"""
import fcntl, json, os, pty, select, shutil, statistics, struct, subprocess, sys, termios, time

quick = os.environ.get("CONVENE_BENCH_QUICK") == "1"
sizes = [int(a) for a in sys.argv[1:]] or ([100, 1_000] if quick else [100, 100_000])
runs = 3 if quick else 9
# Each cold run drops the whole page cache: fewer of them.
cold_runs = 2 if quick else 5
profile = "debug" if quick else "release"
binary = os.path.abspath(os.environ.get("CONVENE_BIN", f"target/{profile}/convene"))
gen = os.path.abspath(os.environ.get("CONVENE_GEN", f"target/{profile}/examples/gen_logs"))
root = os.environ.get("CONVENE_BENCH_DIR", "/tmp/convene-bench")
TODAY = "2026-11-23"
flat = os.environ.get("CONVENE_BENCH_LAYOUT") == "flat"
caches = os.environ.get("CONVENE_BENCH_CACHE", "warm and cold")
is_root = os.geteuid() == 0

if not os.path.exists(gen):
    cmd = ["cargo", "build", "--locked", "--example", "gen_logs"]
    subprocess.run(cmd + ([] if quick else ["--release"]), check=True)


def is_month(name):
    return len(name) == 7 and name[4] == "-" and (name[:4] + name[5:]).isdigit()


def month_folders(sessions):
    return sorted(d for d in os.listdir(sessions)
                  if is_month(d) and os.path.isdir(os.path.join(sessions, d)))


def files(sessions):
    """Every file in the sessions folder and its month folders, as paths relative to it."""
    out = set()
    for name in os.listdir(sessions):
        if is_month(name) and os.path.isdir(os.path.join(sessions, name)):
            out.update(f"{name}/{f}" for f in os.listdir(os.path.join(sessions, name)))
        else:
            out.add(name)
    return out


def dataset(n):
    data = os.path.join(root, f"{'flat' if flat else 'months'}-{n}")
    sessions = os.path.join(data, "sessions")
    if os.path.isdir(sessions) and len(files(sessions)) == n:
        return data
    shutil.rmtree(data, ignore_errors=True)
    t0 = time.monotonic()
    made = subprocess.run([gen, "--count", str(n), "--out", data, "--seed", "7"] +
                          (["--flat"] if flat else []), check=True, stdout=subprocess.PIPE)
    print(f"  made {n} logs in {time.monotonic() - t0:.1f} s: {made.stdout.decode().strip()}",
          flush=True)
    return data


def evict_file(path):
    """Drops a file's pages from the page cache."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def evict_tree(top):
    for folder, _, names in os.walk(top):
        for name in names:
            evict_file(os.path.join(folder, name))


def cold(data, cache, logs=()):
    """The page cache dropped for the index and the logs, as after a reboot. As root: every
    clean page the kernel caches and its folder entries and inodes (drop_caches 3, after a
    sync), then convene's binary read back in (it stays cached on a machine in use; the index,
    the logs and the folders' blocks do not). Without root: the index's and the given logs'
    pages only (posix_fadvise DONTNEED)."""
    os.sync()
    if is_root:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3")
        for b in (binary, TIME):
            with open(b, "rb") as f:
                f.read()
    else:
        evict_tree(cache)
        for log in logs:
            evict_file(log)


def dir_size(top):
    return sum(os.path.getsize(os.path.join(d, n)) for d, _, names in os.walk(top)
               for n in names)


def env_for(data, cache):
    return dict(os.environ, CONVENE_DATA_DIR=data, CONVENE_CACHE_DIR=cache, NO_COLOR="1",
                CONVENE_TODAY=TODAY, TERM="xterm-256color")


# Peak RSS comes from GNU time, which starts convene from its own small process: a child forked
# from this (large) Python process would count Python's pages in its high-water mark.
TIME = shutil.which("time", path="/usr/bin:/bin") or "/usr/bin/time"


def run(args, env, capture=False):
    """(seconds, peak RSS in MB, stdout) of one convene process."""
    t0 = time.perf_counter()
    p = subprocess.Popen([TIME, "-f", "maxrss=%M", binary] + args, env=env,
                         stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    out = p.stdout.read() if capture else b""
    err = p.stderr.read()
    status = p.wait()
    secs = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"convene {' '.join(args)} failed: {err.decode(errors='replace')}")
    rss = int(err.decode().rsplit("maxrss=", 1)[1].split()[0]) / 1024
    return secs, rss, out


def first_frame(args, env, marker):
    """(seconds, peak RSS in MB) from start to the first frame showing `marker`. A log the
    command starts (`convene run`) is removed again, so the data set stays as made."""
    sessions = os.path.join(env["CONVENE_DATA_DIR"], "sessions")
    before = files(sessions)
    months_before = set(month_folders(sessions))
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    t0 = time.perf_counter()
    p = subprocess.Popen([binary] + args, stdin=slave, stdout=slave, stderr=slave, env=env,
                         close_fds=True)
    status_file = f"/proc/{p.pid}/status"
    seen = b""
    while marker not in seen:
        # Generous: a wait only, not a budget (the figure is the measurement).
        r, _, _ = select.select([master], [], [], 120)
        if not r:
            raise SystemExit(f"no frame within 120 s: {seen[-400:]!r}")
        seen += os.read(master, 65536)
    secs = time.perf_counter() - t0
    # Its own high-water mark, from the kernel, while it runs. A command that ends after its
    # output (`logs list` of a few logs) may have ended already: its status has no memory
    # figures then, and it counts as 0 here (GNU time's figures of the same commands stand).
    try:
        with open(status_file) as f:
            hwm = next((int(l.split()[1]) for l in f if l.startswith("VmHWM:")), 0)
    except FileNotFoundError:
        hwm = 0
    p.kill()
    p.wait()
    os.close(master)
    os.close(slave)
    made = files(sessions) - before
    for name in made:
        os.remove(os.path.join(sessions, name))
    for m in set(month_folders(sessions)) - months_before:
        os.rmdir(os.path.join(sessions, m))
    if made:
        settle(env)
    return secs, hwm / 1024


def settle(env):
    """After this script added or removed logs: what `convene run` does as it ends. Its log was
    made when the session started, so the folder's time is old by then, and the index takes
    in the folder's listing (see docs/benchmarks.md)."""
    folder = os.path.join(env["CONVENE_DATA_DIR"], "sessions")
    hour_ago = time.time() - 3600
    for d in [folder] + [os.path.join(folder, m) for m in month_folders(folder)]:
        os.utime(d, (hour_ago, hour_ago))
    subprocess.run([binary, "logs", "list", "--person", "nobody"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    # The folders' stamps just recorded are under 2 s old, so not trusted yet (RACY_NS): the
    # next command would list every folder again. Once they are old enough, one more update
    # records them trusted, as a machine in use has them.
    time.sleep(2.2)
    subprocess.run([binary, "logs", "list", "--person", "nobody"], env=env, check=True,
                   stdout=subprocess.DEVNULL)


def median(f, n=runs):
    """Median time and the largest peak RSS over n runs of f()."""
    results = [f() for _ in range(n)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def fullest_month(data):
    """The month folder holding the most logs (None in the flat layout)."""
    sessions = os.path.join(data, "sessions")
    months = month_folders(sessions)
    return max(months, key=lambda m: len(os.listdir(os.path.join(sessions, m))), default=None)


def new_log(data, template, k):
    """A new session arriving in the folder as a sync tool delivers it: a copy of a log under a
    new id, written beside the folder, then renamed into it (into the fullest month folder, in
    the month layout). Returns its id, path and folder."""
    with open(template, encoding="utf-8") as f:
        lines = f.read().split("\n")
    header = json.loads(lines[0])
    month = fullest_month(data)
    day = f"{month[:4]}{month[5:]}28" if month else "20300101"
    new_id = f"{day}-{k // 3600 % 24:02d}{k // 60 % 60:02d}{k % 60:02d}-000-bnch"
    header["session"] = new_id
    lines[0] = json.dumps(header, separators=(",", ":"))
    folder = os.path.join(data, "sessions", *([month] if month else []))
    tmp = os.path.join(data, f".{new_id}.arriving")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    path = os.path.join(folder, f"{new_id}.jsonl")
    os.rename(tmp, path)
    return new_id, path, folder


results = {}
for n in sizes:
    print(f"{n} logs:", flush=True)
    data = dataset(n)
    cache = os.path.join(root, f"cache-{'flat' if flat else 'months'}-{n}")
    shutil.rmtree(cache, ignore_errors=True)
    env = env_for(data, cache)
    r = {}
    r["first index build"] = run(["logs", "list", "--person", "nobody"], env)[:2]
    settle(env)
    listing = json.loads(run(["logs", "list", "--json", "--protocol", "action-learning"], env,
                             capture=True)[2])
    al = listing["sessions"][len(listing["sessions"]) // 2]
    some_id, group = al["id"], al["group"]
    person = al["participants"][0]
    template = al["path"]
    # Many runs: these take a few milliseconds, and the 2x comparison needs a steady median.
    r["logs show ID"] = median(lambda: run(["logs", "show", some_id], env)[:2], 3 * runs + 4)
    r["logs export ID (json)"] = median(
        lambda: run(["logs", "export", some_id, "--format", "json"], env)[:2], 3 * runs + 4)
    added = []
    if not flat:
        month = fullest_month(data)
        count = len(os.listdir(os.path.join(data, "sessions", month)))
        print(f"  new logs go into sessions/{month} ({count} logs; "
              f"{len(month_folders(os.path.join(data, 'sessions')))} month folders)", flush=True)

    def one_new(aged, set_back=False):
        month = fullest_month(data)
        folder = os.path.join(data, "sessions", *([month] if month else []))
        before = os.stat(folder)
        new_id, path, folder = new_log(data, template, len(added))
        added.append(path)
        if set_back:
            # As `rsync -a` or `touch -r` leave it: the folder's time as it was before.
            os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
        if aged:
            # As at the end of `convene run`: its log was made when the session started.
            hour_ago = time.time() - 3600
            os.utime(folder, (hour_ago, hour_ago))
        first = run(["logs", "show", new_id], env)[:2]
        after = run(["logs", "show", new_id], env)[:2]
        return first, after

    ended = [one_new(True) for _ in range(runs)]
    r["update after a session ended here (its listing)"] = (
        statistics.median(x[0][0] for x in ended), max(x[0][1] for x in ended))
    r["the next command: logs show NEW"] = (
        statistics.median(x[1][0] for x in ended), max(x[1][1] for x in ended))
    arrived = [one_new(False) for _ in range(runs)]
    r["update after a log arrived by sync (logs show NEW)"] = (
        statistics.median(x[0][0] for x in arrived), max(x[0][1] for x in arrived))
    set_back = [one_new(False, True) for _ in range(runs)]
    r["update after a log arrived, folder time set back"] = (
        statistics.median(x[0][0] for x in set_back), max(x[0][1] for x in set_back))
    for p in added:
        os.remove(p)
    settle(env)
    r[f"logs list --person {person}"] = median(lambda: run(["logs", "list", "--person", person],
                                                          env)[:2])
    r["report"] = median(lambda: run(["report"], env)[:2])
    r["actions"] = median(lambda: run(["actions"], env)[:2])
    r["logs list (all)"] = median(lambda: run(["logs", "list"], env)[:2], max(1, runs // 3))
    people = "Ann,Ben,Cat"
    r["run action-learning --group X: first frame"] = median(lambda: first_frame(
        ["run", "action-learning", "--group", group, "--people", people], env, b"READY"))
    r["convene logs: first frame"] = median(lambda: first_frame(["logs"], env, b"Sessions:"))
    r["logs list: first screen"] = median(lambda: first_frame(["logs", "list"], env, b"WHEN"))

    def run_after_new():
        new_id, path, _ = new_log(data, template, 100 + len(added))
        added.append(path)
        return first_frame(["run", "action-learning", "--group", group, "--people", people], env,
                           b"READY")

    added.clear()
    r["run --group X: first frame, a new log just arrived"] = median(run_after_new)
    for p in added:
        os.remove(p)
    settle(env)
    index_mb = dir_size(os.path.join(cache, "index")) / 1e6
    if caches != "warm":
        shown_log = template
        print(f"  cold: {'drop_caches 3' if is_root else 'not root: the logs and index pages only'}",
              flush=True)
        if not is_root:
            os.sync()
            evict_tree(data)

        def cold_run(args, logs=()):
            cold(data, cache, logs)
            return run(args, env)[:2]

        def cold_frame(args, marker):
            cold(data, cache)
            return first_frame(args, env, marker)

        r["cold: logs show ID"] = median(lambda: cold_run(["logs", "show", some_id],
                                                          [shown_log]), cold_runs)
        r["cold: report"] = median(lambda: cold_run(["report"]), cold_runs)
        r[f"cold: logs list --person {person}"] = median(
            lambda: cold_run(["logs", "list", "--person", person]), cold_runs)
        r["cold: actions"] = median(lambda: cold_run(["actions"]), cold_runs)
        r["cold: run action-learning --group X: first frame"] = median(lambda: cold_frame(
            ["run", "action-learning", "--group", group, "--people", people], b"READY"),
            cold_runs)
        r["cold: convene logs: first frame"] = median(
            lambda: cold_frame(["logs"], b"Sessions:"), cold_runs)
        r["cold: logs list: first screen"] = median(
            lambda: cold_frame(["logs", "list"], b"WHEN"), cold_runs)
    results[n] = r
    for k, (secs, rss) in r.items():
        print(f"  {k:<52} {secs * 1000:9.1f} ms  {rss:6.1f} MB", flush=True)
    print(f"  index: {index_mb:.1f} MB; logs: {dir_size(data) / 1e6:.0f} MB", flush=True)

if len(sizes) >= 2:
    small, big = sizes[0], sizes[-1]
    for k in ["logs show ID", "logs export ID (json)", "cold: logs show ID"]:
        if k in results[small] and k in results[big]:
            a, b = results[small][k][0], results[big][k][0]
            print(f"{k} at {big} logs is {b / a:.2f}x the time at {small}")
    peak = max(rss for r in results.values() for _, rss in r.values())
    print(f"peak RSS of any command: {peak:.1f} MB")
