#!/usr/bin/env bash
# Counts the system calls of the live screen in seconds where only the countdown changes: convene
# runs a stage of project tuning in a real terminal (tmux) at 120x40, first running, then paused,
# and strace follows its process (every thread) for SECONDS each (default 20). A running second
# may make the wait (poll) and the one write of its frame, nothing else; a paused screen waits and
# makes no call at all. Any other call (a stat of the log or /etc/localtime, opening /dev/tty to
# ask the size, reading a pipe for nothing) fails the bench.
# Usage: benches/live_syscalls.sh [SECONDS]   (uses target/release/convene, or $CONVENE_BIN).
# CONVENE_BENCH_QUICK=1 makes the default 3 s (CI runs it that way).
#
# strace is installed with apt-get when missing. Where it cannot run (no strace and no apt-get, or
# the kernel refuses ptrace: a container without CAP_SYS_PTRACE, a Yama ptrace_scope of 3), the
# bench says so and skips, exit status 0.
set -euo pipefail
quick=${CONVENE_BENCH_QUICK:-0}
secs=${1:-$([ "$quick" = 1 ] && echo 3 || echo 20)}
bin=$(realpath "${CONVENE_BIN:-target/release/convene}")

skip() {
    echo "live_syscalls.sh: SKIPPED: $*"
    exit 0
}

if ! command -v strace >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "installing strace for the system-call count"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq strace; } \
            >/dev/null 2>&1 || skip "strace is not installed and apt-get could not install it"
    else
        skip "strace is not installed (and cannot be installed here: no apt-get as root)"
    fi
fi
if ! command -v tmux >/dev/null 2>&1; then
    skip "tmux is not installed"
fi
data=$(mktemp -d)
sock=convene-syscalls-$$
t() { tmux -L "$sock" -f /dev/null "$@"; }
pid=""
# convene writes its log as it ends (tmux's hang-up): wait for it to be gone, then clean up.
cleanup() {
    local i
    t kill-server 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        [ -n "$pid" ] && [ -e "/proc/$pid" ] || break
        sleep 0.1
    done
    rm -rf "$data" 2>/dev/null || true
}
trap cleanup EXIT

# Waits (up to 60 s) until the live session shows the text $1.
wait_for() {
    local i
    for ((i = 0; i < 600; i++)); do
        if t capture-pane -p -t live | grep -qF -- "$1"; then return 0; fi
        sleep 0.1
    done
    echo "live_syscalls.sh: \"$1\" did not appear:" >&2
    t capture-pane -p -t live >&2
    exit 1
}

t new-session -d -s live -x 120 -y 40 \
    "exec env CONVENE_DATA_DIR='$data' '$bin' run project-tuning --people 'Ann,Ben,Cat,Dev' --stage presenter=2h"
wait_for READY
t send-keys -t live ' '
wait_for RUNNING
# The stage change's flash and the first writes of the log are over.
sleep 2
pid=$(t display-message -p -t live '#{pane_pid}')
comm=$(cat "/proc/$pid/comm")
if [ "$comm" != convene ] && [ "$comm" != convene-live ] && [ "$comm" != "$(basename "$bin" | cut -c1-15)" ]; then
    echo "live_syscalls.sh: the pane's process $pid is $(cat "/proc/$pid/comm"), not convene" >&2
    exit 1
fi

# Traces every thread of convene for $secs seconds into $1.
trace() {
    local out=$1 status=0
    timeout --signal=INT "$secs" strace -f -qq -p "$pid" -o "$out" 2>"$out.err" || status=$?
    if grep -qi "not permitted" "$out.err"; then
        skip "the kernel refuses ptrace of convene ($(head -1 "$out.err"))"
    fi
    # timeout's own status (124) or strace's after SIGINT: both mean it ran.
    [ "$status" = 0 ] || [ "$status" = 124 ] || [ "$status" = 130 ] || {
        cat "$out.err" >&2
        exit 1
    }
}

# The calls convene made while traced, one line each: strace -f writes a call cut by another
# thread's as "unfinished" and then "resumed" (the second is not another call), and a thread's
# first line may be the call it was blocked in when strace attached (begun before: not counted).
made() {
    awk '!($1 in seen) { seen[$1] = 1; if ($0 ~ /<(unfinished|detached) \.\.\.>$/) next }
         /resumed>/ { next } { print }' "$1"
}

# Each call made, by name: "NAME COUNT".
calls() {
    made "$1" | sed -E 's/^[0-9]+ +//; s/\(.*//' | awk '/^[a-z_0-9]+$/' |
        sort | uniq -c | awk '{print $2, $1}'
}

status=0
# The call strace caught convene in when it attached (the wait, restarted) is not counted.
allowed_running='^(ppoll|poll|epoll_wait|epoll_pwait|restart_syscall|write)$'
for phase in running paused; do
    if [ "$phase" = paused ]; then
        t send-keys -t live ' '
        wait_for PAUSED
        sleep 1
    fi
    out="$data/strace-$phase.txt"
    trace "$out"
    per_name=$(calls "$out")
    writes=$(awk '$1 == "write" {print $2}' <<<"$per_name")
    waits=$(awk '$1 ~ /^(ppoll|poll|epoll_wait|epoll_pwait)$/ {n += $2} END {print n + 0}' <<<"$per_name")
    others=$(awk -v ok="$allowed_running" 'NF && $1 !~ ok {printf "%s %s, ", $1, $2}' <<<"$per_name")
    echo "live screen, $phase stage, 120x40, ${secs} s under strace -f: ${writes:-0} writes," \
        "$waits waits, other calls: ${others:-none}"
    if [ -n "$others" ]; then
        echo "live_syscalls.sh: FAILED: calls other than the wait and the frame's write in the $phase stage:" >&2
        made "$out" | grep -vE "^[0-9]+ +(ppoll|poll|epoll_wait|epoll_pwait|restart_syscall|write)\(" | head -20 >&2 || true
        status=1
    fi
    if [ "$phase" = paused ] && [ "${writes:-0}" -gt 0 ]; then
        echo "live_syscalls.sh: FAILED: a paused screen wrote ${writes} times in ${secs} s" >&2
        status=1
    fi
    if [ "$phase" = running ] && [ "${writes:-0}" -gt $((secs + 1)) ]; then
        echo "live_syscalls.sh: FAILED: more than one write a second (${writes} in ${secs} s)" >&2
        status=1
    fi
done
exit "$status"
