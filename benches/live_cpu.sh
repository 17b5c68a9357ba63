#!/usr/bin/env bash
# Measures the idle cost of the live screen, side by side in one run: convene's live screen at
# 120x40 and at 200x50 (a running stage of project tuning), a mirror following the first at
# 120x40, and tock (a terminal clock showing seconds, `tock -s -c`) at both sizes, each in a real
# terminal (tmux), over SECONDS (default 60). For each process: CPU time from the scheduler
# (/proc/PID/task/*/schedstat, nanoseconds, every thread) and from /proc/PID/stat (ticks of
# 1/CLK_TCK s, which charge a process that wakes once a second coarsely), peak and current
# memory (VmHWM, VmRSS, and RssAnon, what the process itself allocated). Then convene's CPU as a
# multiple of tock's (budget: at most 3x) and its peak memory (budget: at most 5 MB).
# Usage: benches/live_cpu.sh [SECONDS]   (uses target/release/convene, or $CONVENE_BIN; the live
# screen runs in the convene-live beside it, as installed: to measure the static Linux build, put
# both programs of target/x86_64-unknown-linux-musl/release/ in one folder and name its convene).
# CONVENE_BENCH_QUICK=1 makes the default 2 s (only to check that the bench runs) and leaves tock
# out unless CONVENE_BENCH_TOCK=1 (installing it compiles it: a minute or two).
#
# tock is taken from PATH, else installed with `cargo install tock --locked` into a temporary
# folder (removed afterwards); if that fails the comparison is skipped, with a message.
#
# The processes measured are the programs' own: the process in each tmux pane, checked by its name
# (not a `pgrep -f` on the command line, which also matches the tmux server that started it).
set -euo pipefail
quick=${CONVENE_BENCH_QUICK:-0}
secs=${1:-$([ "$quick" = 1 ] && echo 2 || echo 60)}
bin=$(realpath "${CONVENE_BIN:-target/release/convene}")
data=$(mktemp -d)
tools=$(mktemp -d)
sock=convene-bench-$$
t() { tmux -L "$sock" -f /dev/null "$@"; }
declare -a pids=()
# convene writes its log as it ends (tmux's hang-up): wait for each to be gone, then clean up.
cleanup() {
    local p i
    t kill-server 2>/dev/null || true
    for p in "${pids[@]}"; do
        for ((i = 0; i < 50; i++)); do
            [ -e "/proc/$p" ] || break
            sleep 0.1
        done
    done
    rm -rf "$data" "$tools" 2>/dev/null || true
}
trap cleanup EXIT

# Waits (up to 60 s) until tmux session $1 shows the text $2.
wait_for() {
    local i
    for ((i = 0; i < 600; i++)); do
        if t capture-pane -p -t "$1" | grep -qF -- "$2"; then return 0; fi
        sleep 0.1
    done
    echo "live_cpu.sh: \"$2\" did not appear in the $1 session:" >&2
    t capture-pane -p -t "$1" >&2
    exit 1
}

# The pid of the process named $2 in tmux session $1: the pane's own process (started with
# exec), or else its one child of that name.
pid_in() {
    local pane pid
    pane=$(t display-message -p -t "$1" '#{pane_pid}')
    if [ "$(cat "/proc/$pane/comm")" = "$2" ]; then
        echo "$pane"
        return
    fi
    pid=$(pgrep -P "$pane" -x "$2") || true
    if [ -z "$pid" ] || [ "$(wc -w <<<"$pid")" -ne 1 ]; then
        echo "live_cpu.sh: no single $2 process in the $1 pane (pid $pane): '$pid'" >&2
        exit 1
    fi
    echo "$pid"
}

# tock: from PATH, else installed for this run.
tock=""
if [ "$quick" != 1 ] || [ "${CONVENE_BENCH_TOCK:-0}" = 1 ]; then
    if command -v tock >/dev/null 2>&1; then
        tock=$(command -v tock)
    elif command -v cargo >/dev/null 2>&1 &&
        CARGO_TARGET_DIR="$tools/target" cargo install tock --locked --root "$tools" -q >"$tools/install.log" 2>&1; then
        tock="$tools/bin/tock"
    else
        echo "live_cpu.sh: tock could not be installed (cargo install tock --locked): the comparison with tock is skipped"
        tail -3 "$tools/install.log" 2>/dev/null || true
    fi
else
    echo "live_cpu.sh: short mode: the comparison with tock is skipped (CONVENE_BENCH_TOCK=1 to include it)"
fi

cpu_ns_of() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{n += $1} END {print n + 0}'; }
ticks_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
kb_of() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

run() { # session size command
    t new-session -d -s "$1" -x "${2%x*}" -y "${2#*x}" "$3"
}
for size in 120x40 200x50; do
    run "live$size" "$size" \
        "exec env CONVENE_DATA_DIR='$data/$size' '$bin' run project-tuning --people 'Ann,Ben,Cat,Dev' --stage presenter=2h"
    wait_for "live$size" READY
    t send-keys -t "live$size" ' '
    wait_for "live$size" RUNNING
done
run mirror 120x40 "exec env CONVENE_DATA_DIR='$data/120x40' '$bin' mirror"
# The mirror shows the running stage (it never shows the facilitator's footer, "read-only" and
# keys included: issue 21).
wait_for mirror RUNNING
if [ -n "$tock" ]; then
    run tock120x40 120x40 "exec '$tock' -s -c"
    run tock200x50 200x50 "exec '$tock' -s -c"
    sleep 1
fi
# Let everything settle: the stage change's flash ends, the mirror's first reads are done.
sleep 2

names=(live120x40 live200x50 mirror)
labels=("live screen 120x40" "live screen 200x50" "mirror 120x40")
comms=(live live convene)
if [ -n "$tock" ]; then
    names+=(tock120x40 tock200x50)
    labels+=("tock -s -c 120x40" "tock -s -c 200x50")
    comms+=(tock tock)
fi
# The pane's process is named after the binary (convene, or what CONVENE_BIN is called); the live
# screens run in convene-live when it is next to it (src/tui/handoff.rs: the same process, which
# replaced itself), unless CONVENE_ONE_PROGRAM is set.
bin_comm=$(basename "$bin" | cut -c1-15)
live_comm=$bin_comm
if [ -x "$(dirname "$bin")/convene-live" ] && [ -z "${CONVENE_ONE_PROGRAM:-}" ]; then
    live_comm=convene-live
fi
echo "live_cpu.sh: the live screens run in $live_comm ($(dirname "$bin"))"
declare -a ns0 tk0
for i in "${!names[@]}"; do
    c=${comms[$i]}
    [ "$c" = convene ] && c=$bin_comm
    [ "$c" = live ] && c=$live_comm
    pids[i]=$(pid_in "${names[$i]}" "$c")
done
for i in "${!names[@]}"; do
    ns0[i]=$(cpu_ns_of "${pids[$i]}")
    tk0[i]=$(ticks_of "${pids[$i]}")
done
sleep "$secs"
tick=$(getconf CLK_TCK)
declare -a pct
for i in "${!names[@]}"; do
    p=${pids[$i]}
    ns=$(($(cpu_ns_of "$p") - ns0[i]))
    tk=$(($(ticks_of "$p") - tk0[i]))
    pct[i]=$(awk -v n="$ns" -v s="$secs" 'BEGIN {printf "%.4f", 100 * n / 1e9 / s}')
    echo "${labels[$i]} (pid $p, $(cat "/proc/$p/comm")), ${secs} s: CPU ${pct[$i]}% of one core" \
        "($(awk -v n="$ns" 'BEGIN {printf "%.1f", n / 1e6}') ms by the scheduler; $tk ticks of 1/${tick} s" \
        "by /proc/PID/stat); memory: peak $(kb_of "$p" VmHWM) kB, now $(kb_of "$p" VmRSS) kB" \
        "(of which allocated by the process $(kb_of "$p" RssAnon) kB)"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "$tock" ]; then
    # tock at the same size: entries 3 and 4.
    for i in 0 1; do
        awk -v c="${pct[$i]}" -v k="${pct[$((i + 3))]}" -v l="${labels[$i]}" 'BEGIN {
            if (k > 0) printf "%s: %.2fx the CPU of tock at the same size (budget: at most 3x)\n", l, c / k
            else print l ": tock used no measurable CPU"
        }'
    done
fi
for i in 0 1; do
    hwm=$(kb_of "${pids[$i]}" VmHWM)
    echo "${labels[$i]}: peak memory $(awk -v k="$hwm" 'BEGIN {printf "%.1f", k / 1024}') MB (budget: at most 5 MB)"
done
t capture-pane -t live120x40 -p | sed -n 1,3p
