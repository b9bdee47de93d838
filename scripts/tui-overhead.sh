#!/usr/bin/env bash
# Does the screen slow training? (issue 5: within 3% of --headless.) Alternating back-to-back
# pairs of the same short run, once under the workbench in a 200×60 tmux window and once
# --headless; mean step time of steps 6..STEPS from each run's metrics.jsonl, per pair and overall.
#
#   scripts/tui-overhead.sh [OUT_DIR]      Env: PAIRS (8), STEPS (40), BIN, DATA
#
# Needs an otherwise idle machine: single pairs swing by ±8% on a shared VM.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mkdir -p "${1:-tui-overhead}" && cd "${1:-tui-overhead}" && pwd)"
bin="${BIN:-$root/.build/release/mcn-tui}"
data="${DATA:-$root/sample-data}"
pairs="${PAIRS:-8}"
steps="${STEPS:-40}"
[[ -x "$bin" ]] || { echo "tui-overhead: $bin not found: run 'swift build -c release' first" >&2; exit 1; }
command -v tmux >/dev/null || { echo "tui-overhead: tmux not found" >&2; exit 1; }
socket="mcn-tui-overhead-$$"
cache="$out/cache"

mean_step() {  # mean step_seconds of steps 6..STEPS in $1/metrics.jsonl
    python3 - "$1/metrics.jsonl" "$steps" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
s = [r["step_seconds"] for r in rows if "step_seconds" in r and 6 <= r["step"] <= int(sys.argv[2])]
print(f"{sum(s) / len(s):.4f}")
PY
}

run_one() {  # run_one MODE DIR
    local mode=$1 dir=$2
    rm -rf "$dir"
    local args=(train --data "$data" --steps "$steps" --seed 1 --run-dir "$dir" --set "data.cache_dir=$cache")
    if [[ $mode == headless ]]; then
        "$bin" "${args[@]}" --headless > "$dir.out" 2>&1
    else
        tmux -L "$socket" new-session -d -x 200 -y 60 "$bin ${args[*]}; echo \$? > $dir.exit"
        until [[ -f $dir/metrics.jsonl ]] && grep -q "\"step\":$steps[,}]" "$dir/metrics.jsonl"; do sleep 0.5; done
        sleep 2
        tmux -L "$socket" send-keys q
        for _ in $(seq 1 60); do [[ -f $dir.exit ]] && break; sleep 0.5; done
        tmux -L "$socket" kill-server 2>/dev/null || true
    fi
    mean_step "$dir"
}

run_one headless "$out/warm" > /dev/null   # fills the decoded-frame cache
echo "| pair | TUI s/step | headless s/step | TUI throughput vs headless |"
echo "|---|---|---|---|"
tsum=0; hsum=0
for i in $(seq 1 "$pairs"); do
    if (( i % 2 )); then t=$(run_one tui "$out/tui-$i"); h=$(run_one headless "$out/headless-$i"); order="TUI first"
    else h=$(run_one headless "$out/headless-$i"); t=$(run_one tui "$out/tui-$i"); order="headless first"; fi
    tsum=$(python3 -c "print($tsum + $t)"); hsum=$(python3 -c "print($hsum + $h)")
    echo "| $i ($order) | $t | $h | $(python3 -c "print(f'{($h / $t - 1) * 100:+.1f}%')") |"
done
python3 -c "t=$tsum/$pairs; h=$hsum/$pairs; print(f'| all | {t:.4f} | {h:.4f} | **{(h / t - 1) * 100:+.1f}%** |')"
echo "(load: $(cut -d' ' -f1-3 /proc/loadavg))"
