#!/usr/bin/env bash
# Does pre-training help? The study behind BENCHMARKS.md's table (issues 3, 4 and 6): for each
# seed, r3d-tiny pre-trained with MCN and with the plain contrastive baseline at the same budget,
# the same network with random weights, and a supervised bound (fine-tuned from random weights),
# all evaluated with the same protocol (retrieval R@k and linear probe), then one comparison table.
#
#   scripts/pretrain-study.sh [OUT_DIR] [-- extra `train` flags, e.g. --set data.hue=0.5]
#
# Env: SEEDS ("1 2 3"), STEPS (1000; at 300 MCN is ahead of random weights on R@1 only),
# FINETUNE_STEPS (300; 0 skips the supervised bound), FINETUNE_ARGS (extra `eval finetune` flags), DATA (sample-data), BIN (the release binary).
# At the default 16-video batches it takes about 25–30 minutes per seed on 2 idle cores (MCN ~13,
# contrastive ~11, the supervised bound ~3, evaluations ~1 each).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-study}"; shift || true
[[ "${1:-}" == "--" ]] && shift
extra=("$@")
bin="${BIN:-$root/.build/release/mcn-tui}"
data="${DATA:-$root/sample-data}"
seeds="${SEEDS:-1 2 3}"
steps="${STEPS:-1000}"
ftsteps="${FINETUNE_STEPS:-300}"
[[ -x "$bin" ]] || { echo "pretrain-study: $bin not found: run 'swift build -c release' first" >&2; exit 1; }
mkdir -p "$out"
cd "$out"

runs=()
for seed in $seeds; do
    for method in mcn contrastive; do
        run="$method-s$seed"
        if [[ ! -f "$run/results.json" ]]; then
            "$bin" train --headless --data "$data" --steps "$steps" --seed "$seed" --run-dir "$run" \
                --set method.method="$method" --set run.monitor_every=0 ${extra[@]+"${extra[@]}"} | tail -n 3
            "$bin" eval retrieval --checkpoint "$run" | tail -n 4
            "$bin" eval probe --checkpoint "$run" | tail -n 2
        fi
        runs+=("$run")
    done
    run="random-s$seed"
    if [[ ! -f "$run/results.json" ]]; then
        "$bin" eval retrieval --checkpoint random --seed "$seed" --data "$data" --run-dir "$run" | tail -n 4
        "$bin" eval probe --checkpoint random --seed "$seed" --data "$data" --run-dir "$run" | tail -n 2
        if [[ "$ftsteps" != 0 ]]; then
            "$bin" eval finetune --checkpoint random --seed "$seed" --data "$data" --run-dir "$run" \
                --steps "$ftsteps" ${FINETUNE_ARGS:-} | tail -n 3
        fi
    fi
    runs+=("$run")
done
"$bin" eval compare --runs-root . "${runs[@]}" | tee compare.md
