#!/bin/bash
# Data-parallel training throughput on this host, earshot against PyTorch's
# DistributedDataParallel on Gloo, in one run: configs/kws-dscnn.toml
# (DS-CNN-S, 10 MFCCs as bench/compare_training.sh pins them) trained by
#   earshot train ...            1 process  x 1 compute thread
#   earshot train ... --nproc 2  2 processes x 1 compute thread
#   bench/pytorch_ddp_kws.py --nproc 1 and --nproc 2, 1 thread and 1
#     DataLoader worker per process,
# each for a warm-up epoch and E timed epochs on the same training clips;
# then seed 002's residual Mish net (configs/seed002-resmish.toml, one
# seed, batches of 16) on MIXTURES synthesised mixtures, earshot 1 x 1
# against 2 x 1 (no Python peer of that recipe).
# Prints the job's clips/s, clips/s per process, the scaling efficiency
# (clips/s per process with 2 against with 1) and earshot / DDP.
#
#   bench/compare_distributed.sh [EARSHOT_BINARY] [DATA_DIR]
#   environment: EPOCHS (2), SPEAKERS (40), MIXTURES (800; 0 skips seed
#     002), WORK (a temp dir), RECIPE (configs/kws-dscnn.toml), SETS (extra
#     --set flags for earshot), PEER_MALLOC (bench/peer_malloc.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/earshot}
DATA=${2:-}
EPOCHS=${EPOCHS:-2}
SPEAKERS=${SPEAKERS:-40}
MIXTURES=${MIXTURES:-800}
RECIPE=${RECIPE:-configs/kws-dscnn.toml}
SETS=${SETS:-}
WORK=${WORK:-$(mktemp -d /tmp/earshot_dist_bench.XXXXXX)}
PY=/usr/bin/python3
source bench/peer_malloc.sh
mkdir -p "$WORK"
if [[ -z "$DATA" ]]; then
  DATA=$WORK/keywords
  [[ -d "$DATA" ]] || "$BIN" synth keywords "$DATA" --speakers "$SPEAKERS" --seed 1 >/dev/null
fi
echo "data $DATA, recipe $RECIPE, $EPOCHS timed epochs, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# Clips/s of the job over the epochs after the first (harmonic mean).
rate() {
  $PY - "$1/summary.json" <<'PYEOF'
import json, sys
s = json.load(open(sys.argv[1]))
rates = s["models"][0]["train_clips_per_second_by_epoch"][1:]
print(len(rates) / sum(1 / r for r in rates))
PYEOF
}

# One timed training of RECIPE by NPROC processes of one compute thread:
# a warm-up epoch and EPOCHS timed ones, into OUT.
train_job() {  # NPROC OUT RECIPE [--set key=value ...]
  local nproc=$1 out=$2 recipe=$3 extra=()
  shift 3
  [[ "$nproc" -gt 1 ]] && extra=(--nproc "$nproc")
  rm -rf "$out"
  OMP_NUM_THREADS=1 "$BIN" train "$recipe" --set "train.epochs=$((EPOCHS + 1))" --set train.threads=1 \
    "$@" --no-report --out "$out" "${extra[@]}" 2>"$out.log" >/dev/null
}

earshot() {  # NPROC OUT
  # shellcheck disable=SC2086  # SETS is a list of flags
  train_job "$1" "$2" "$RECIPE" --set "data.root=$DATA" --set features.feature=mfcc \
    --set features.n_mfcc=10 --set train.loss.label_smoothing=0 $SETS
}

# Seed 002's recipe, one seed, on the mixtures.
seed002() {  # NPROC OUT
  train_job "$1" "$2" configs/seed002-resmish.toml --set "data.root=$WORK/mixtures" --set train.seeds=1
}

earshot 1 "$WORK/one"
E1=$(rate "$WORK/one")
earshot 2 "$WORK/two"
E2=$(rate "$WORK/two")
"${peer_env[@]}" $PY bench/pytorch_ddp_kws.py --data "$DATA" --split "$WORK/one/model/split.csv" --epochs "$EPOCHS" \
  --nproc 1 --threads 1 --workers 1 --port 29541 --json "$WORK/ddp1.json" | sed 's/^/ddp 1: /'
"${peer_env[@]}" $PY bench/pytorch_ddp_kws.py --data "$DATA" --split "$WORK/one/model/split.csv" --epochs "$EPOCHS" \
  --nproc 2 --threads 1 --workers 1 --port 29542 --json "$WORK/ddp2.json" | sed 's/^/ddp 2: /'
D1=$($PY -c "import json,sys; print(json.load(open(sys.argv[1]))['train_clips_per_second'])" "$WORK/ddp1.json")
D2=$($PY -c "import json,sys; print(json.load(open(sys.argv[1]))['train_clips_per_second'])" "$WORK/ddp2.json")

$PY - "$E1" "$E2" "$D1" "$D2" <<'PYEOF'
import sys
e1, e2, d1, d2 = map(float, sys.argv[1:])
print(f"earshot 1 x 1: {e1:.1f} clips/s; 2 x 1: {e2:.1f} clips/s, {e2 / 2:.1f} per process, "
      f"scaling efficiency {e2 / 2 / e1:.2f}")
print(f"ddp     1 x 1: {d1:.1f} clips/s; 2 x 1: {d2:.1f} clips/s, {d2 / 2:.1f} per process, "
      f"scaling efficiency {d2 / 2 / d1:.2f}")
print(f"earshot / ddp: 1 process {e1 / d1:.2f}x, 2 processes {e2 / d2:.2f}x (target >= 2x)")
PYEOF

if [[ "$MIXTURES" -gt 0 ]]; then
  [[ -d "$WORK/mixtures" ]] || "$BIN" synth mixtures "$WORK/mixtures" --train "$MIXTURES" --test 10 --seed 1 >/dev/null
  seed002 1 "$WORK/s002-one"
  S1=$(rate "$WORK/s002-one")
  seed002 2 "$WORK/s002-two"
  S2=$(rate "$WORK/s002-two")
  $PY - "$S1" "$S2" <<'PYEOF'
import sys
s1, s2 = map(float, sys.argv[1:])
print(f"seed002 1 x 1: {s1:.1f} clips/s; 2 x 1: {s2:.1f} clips/s, {s2 / 2:.1f} per process, "
      f"scaling efficiency {s2 / 2 / s1:.2f}")
PYEOF
fi
echo "load after $(cut -d' ' -f1-3 /proc/loadavg); files in $WORK"
