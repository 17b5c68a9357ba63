#!/usr/bin/env bash
# Measures the live screen's idle cost: CPU time and peak memory over SECONDS (default 60) of a
# running stage in a real terminal (tmux) of 120x40. Usage: benches/live_cpu.sh [SECONDS]
set -euo pipefail
secs=${1:-60}
bin=${CONVENE_BIN:-target/release/convene}
data=$(mktemp -d)
sock=convene-bench-$$
tmux -L "$sock" new-session -d -s b -x 120 -y 40 \
    "CONVENE_DATA_DIR=$data $bin run project-tuning --people 'Ann,Ben,Cat,Dev' --stage presenter=2h"
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$data"' EXIT
sleep 1
tmux -L "$sock" send-keys -t b ' '
sleep 1
pid=$(pgrep -f "$bin run project-tuning" | head -1)
tick=$(getconf CLK_TCK)
read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$pid/stat")
sleep "$secs"
read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$pid/stat")
ticks=$(( (u1 - u0) + (s1 - s0) ))
hwm=$(awk '/VmHWM/ {print $2, $3}' "/proc/$pid/status")
echo "running stage, ${secs}s at 120x40: CPU ${ticks} ticks of 1/${tick} s = $(awk -v t="$ticks" -v hz="$tick" -v s="$secs" 'BEGIN {printf "%.3f", 100 * t / hz / s}')% of one core; peak RSS ${hwm}"
tmux -L "$sock" capture-pane -t b -p | sed -n 1,3p
