#!/usr/bin/env bash
# Measures the idle cost of the live screen and of a mirror following it: CPU time and peak memory
# of each convene process over SECONDS (default 60) of a running stage, each in a real terminal
# (tmux) of 120x40. Usage: benches/live_cpu.sh [SECONDS]   (uses target/release/convene, or
# $CONVENE_BIN). CONVENE_BENCH_QUICK=1 makes the default 2 s (only to check that the bench runs).
#
# The processes measured are convene's own: the process in each tmux pane, checked by its name
# (not a `pgrep -f` on the command line, which also matches the tmux server that started it).
set -euo pipefail
quick=${CONVENE_BENCH_QUICK:-0}
secs=${1:-$([ "$quick" = 1 ] && echo 2 || echo 60)}
bin=$(realpath "${CONVENE_BIN:-target/release/convene}")
data=$(mktemp -d)
sock=convene-bench-$$
t() { tmux -L "$sock" -f /dev/null "$@"; }
trap 't kill-server 2>/dev/null; rm -rf "$data"' EXIT

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

# The pid of the convene process in tmux session $1: the pane's own process (started with exec),
# or else its one child named convene.
convene_pid() {
    local pane pid
    pane=$(t display-message -p -t "$1" '#{pane_pid}')
    if [ "$(cat "/proc/$pane/comm")" = convene ]; then
        echo "$pane"
        return
    fi
    pid=$(pgrep -P "$pane" -x convene) || true
    if [ -z "$pid" ] || [ "$(wc -w <<<"$pid")" -ne 1 ]; then
        echo "live_cpu.sh: no single convene process in the $1 pane (pid $pane): '$pid'" >&2
        exit 1
    fi
    echo "$pid"
}

ticks_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hwm_of() { awk '/VmHWM/ {print $2, $3}' "/proc/$1/status"; }

t new-session -d -s live -x 120 -y 40 \
    "exec env CONVENE_DATA_DIR='$data' '$bin' run project-tuning --people 'Ann,Ben,Cat,Dev' --stage presenter=2h"
wait_for live READY
t send-keys -t live ' '
wait_for live RUNNING
t new-session -d -s mirror -x 120 -y 40 "exec env CONVENE_DATA_DIR='$data' '$bin' mirror"
wait_for mirror read-only
# Let both settle: the stage change's flash ends, the mirror's first reads are done.
sleep 2

live=$(convene_pid live)
mirror=$(convene_pid mirror)
tick=$(getconf CLK_TCK)
l0=$(ticks_of "$live")
m0=$(ticks_of "$mirror")
sleep "$secs"
l1=$(ticks_of "$live")
m1=$(ticks_of "$mirror")

report() { # what pid ticks
    echo "$1 (pid $2, $(cat "/proc/$2/comm")), running stage, ${secs} s at 120x40: CPU $3 ticks of 1/${tick} s = $(awk -v t="$3" -v hz="$tick" -v s="$secs" 'BEGIN {printf "%.3f", 100 * t / hz / s}')% of one core; peak RSS $(hwm_of "$2")"
}
report "live screen" "$live" $((l1 - l0))
report "mirror" "$mirror" $((m1 - m0))
t capture-pane -t live -p | sed -n 1,3p
