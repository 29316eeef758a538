#!/bin/bash
# Training throughput, earshot against PyTorch + torchaudio, in one run:
# `earshot train configs/kws-dscnn.toml` for a warm-up epoch and E epochs,
# then bench/pytorch_train_kws.py on the same training clips (the run's
# split.csv) for a warm-up epoch and E epochs; prints both clips/s over the
# E epochs after the warm-up (earshot's from summary.json's per-epoch
# figures) and the ratio.
#
#   bench/compare_training.sh [EARSHOT_BINARY] [DATA_DIR]
#     EARSHOT_BINARY  default build/earshot
#     DATA_DIR        a Speech Commands-layout set; default: synthesised into
#                     $WORK/keywords (earshot synth keywords --speakers $SPEAKERS)
#   environment: EPOCHS (3), SPEAKERS (40), THREADS (train.threads and
#     torch.set_num_threads; default: the recipe's 1), WORK (a temp dir),
#     OMP_WAIT_POLICY (passed to both sides; see docs/benchmarks.md),
#     EARSHOT_BENCH_PROFILE=1 (the Python side splits batch wait / model step),
#     EARSHOT_SETS (more --set key=value for earshot, separated by spaces: e.g.
#     "loader.augment.reverb=true loader.augment.telephone=true")
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/earshot}
DATA=${2:-}
EPOCHS=${EPOCHS:-3}
SPEAKERS=${SPEAKERS:-40}
THREADS=${THREADS:-1}
WORK=${WORK:-$(mktemp -d /tmp/earshot_train_bench.XXXXXX)}
PY=/usr/bin/python3
source bench/peer_malloc.sh
mkdir -p "$WORK"
extra=()
for kv in ${EARSHOT_SETS:-}; do extra+=(--set "$kv"); done

if [[ -z "$DATA" ]]; then
  DATA=$WORK/keywords
  [[ -d "$DATA" ]] || "$BIN" synth keywords "$DATA" --speakers "$SPEAKERS" --seed 1 >/dev/null
fi

echo "data $DATA, $EPOCHS epochs, earshot sets: ${EARSHOT_SETS:-(none)}, $THREADS compute threads, OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-(unset)}, load $(cut -d' ' -f1-3 /proc/loadavg)"
RUN=$WORK/run
rm -rf "$RUN"
# The Python side computes 10 MFCC x 49 frames: pin earshot to the same.
"$BIN" train configs/kws-dscnn.toml --set "data.root=$DATA" --set "train.epochs=$((EPOCHS + 1))" \
  --set "train.threads=$THREADS" --set features.feature=mfcc --set features.n_mfcc=10 \
  --set train.loss.label_smoothing=0 ${extra[@]+"${extra[@]}"} --no-report --out "$RUN" 2>"$WORK/earshot.log"
grep -E "parameters|training clips/s" <(tr '\r' '\n' <"$WORK/earshot.log") | sed 's/^/earshot: /'
# Clips per second over the epochs after the first: the same clips each
# epoch, so the harmonic mean of the epochs' rates.
E=$($PY - "$RUN/summary.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
rates = s["models"][0]["train_clips_per_second_by_epoch"]
print(f"earshot: epochs {', '.join(f'{r:.1f}' for r in rates)} clips/s "
      f"(all epochs {s['train_clips_per_second']:.1f})", file=sys.stderr)
print(len(rates[1:]) / sum(1 / r for r in rates[1:]))
EOF
)

"${peer_env[@]}" $PY bench/pytorch_train_kws.py --data "$DATA" --split "$RUN/model/split.csv" --epochs "$EPOCHS" \
  --threads "$THREADS" --json "$WORK/pytorch.json" | sed 's/^/pytorch: /'
P=$($PY -c "import json,sys; print(json.load(open(sys.argv[1]))['train_clips_per_second'])" "$WORK/pytorch.json")

$PY - "$E" "$P" <<'EOF'
import sys
e, p = float(sys.argv[1]), float(sys.argv[2])
print(f"training clips/s: earshot {e:.1f}, pytorch {p:.1f}, ratio {e / p:.2f}x (target >= 2x)")
EOF
echo "load after $(cut -d' ' -f1-3 /proc/loadavg); files in $WORK"
