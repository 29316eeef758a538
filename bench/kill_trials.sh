#!/bin/bash
# kill -9 trials: training loses nothing when the process dies.
#
#   bench/kill_trials.sh [TRIALS] [EARSHOT_BINARY]
#     TRIALS          default 10
#     EARSHOT_BINARY  default build/earshot
#   environment: WORK (a temp dir, removed unless KEEP=1), SPEAKERS (16),
#     SEED (random; the trials' kill times and fault positions), DATA (a
#     Speech Commands-layout set; default: synthesised into $WORK/data)
#
# Trains bench/kill_trials.toml once without interruption, then per trial
# starts the same run and kills it with SIGKILL: at a random moment (odd
# trials: after a random number of epochs plus up to one epoch's time), or
# halfway through writing its K-th checkpoint, last.bundle or best.bundle
# (even trials, through the write path's test hook EARSHOT_FAULT=kill:K:PART,
# docs/reliability.md). It then runs `earshot train --resume RUN` until
# the run finishes (a run killed before it wrote recipe.toml is started
# again, as a user would) and compares the run with the uninterrupted one:
# each model's log (metrics and learning rate per epoch, hence schedule,
# early stopping and best epoch), metrics, predictions, the weights of
# best.bundle and last.bundle and the checkpoint's tensors (weights and
# optimiser state) must be identical, and so must the run's data.json,
# clips.tsv and the ensemble's files. Prints one line per trial; exits 1 on any difference.
set -euo pipefail
cd "$(dirname "$0")/.."
TRIALS=${1:-10}
BIN=$(realpath "${2:-build/earshot}")
SPEAKERS=${SPEAKERS:-16}
SEED=${SEED:-$RANDOM}
WORK=${WORK:-$(mktemp -d /tmp/earshot_kill_trials.XXXXXX)}
RECIPE=$PWD/bench/kill_trials.toml
mkdir -p "$WORK"
[[ "${KEEP:-0}" == 1 ]] || trap 'rm -rf "$WORK"' EXIT
RANDOM=$SEED

DATA=${DATA:-$WORK/data}
if [[ ! -d "$DATA" ]]; then
  "$BIN" synth keywords "$DATA" --speakers "$SPEAKERS" --words yes,no,up,down,left --sample-rate 8000 \
    --noise-seconds 3 --seed 1 >/dev/null 2>"$WORK/synth.log" || { cat "$WORK/synth.log"; exit 1; }
fi
TRAIN=("$BIN" train "$RECIPE" --set "data.root=$DATA" --no-report --out)

# The files that must come out the same, byte for byte; timings
# (summary.json, the bundles' provenance) differ by nature and are left out.
# Bundles and checkpoints are LibTorch zip archives: the bundles' tensors
# (the weights) are compared in their order; a checkpoint names its
# optimiser state by memory addresses, which order its records differently
# in every process, so its tensors (weights and optimiser moments) are
# compared as a set of contents.
tensors() {  # FILE [sorted]
  local name
  while IFS= read -r name; do
    unzip -p "$1" "$name" | md5sum | cut -d' ' -f1
  done < <(unzip -Z1 "$1" | grep '/data/[0-9]*$' | sort -t/ -k3,3n) | { if [[ -n "${2:-}" ]]; then sort; else cat; fi; }
}
compare() {
  local a=$1 b=$2 f rel bad=0
  while IFS= read -r f; do
    rel=${f#"$a"/}
    case "$rel" in
      *.bundle) same=$(cmp -s <(tensors "$f") <(tensors "$b/$rel") && echo y) ;;
      */checkpoint) same=$(cmp -s <(tensors "$f" sorted) <(tensors "$b/$rel" sorted) && echo y) ;;
      *) same=$(cmp -s "$f" "$b/$rel" && echo y) ;;
    esac
    if [[ "$same" != y ]]; then
      echo "    differs: $rel"
      bad=1
    fi
  done < <(find "$a" -type f \( -name log.csv -o -name log.jsonl -o -name 'metrics_*.json' \
           -o -name 'predictions_*.csv' -o -name checkpoint -o -name '*.bundle' -o -name split.csv \
           -o -name data.json -o -name clips.tsv -o -name recipe.toml \) | sort)
  return $bad
}

echo "kill trials: $TRIALS, seed $SEED, work $WORK, load $(cut -d' ' -f1-3 /proc/loadavg)"
REF=$WORK/reference
rm -rf "$REF"
start=$(date +%s%N)
"${TRAIN[@]}" "$REF" >"$WORK/reference.log" 2>&1 || { cat "$WORK/reference.log"; exit 1; }
ms=$(( ($(date +%s%N) - start) / 1000000 ))
epochs=$(( $(wc -l <"$REF/seed-0/log.csv") - 1 + $(wc -l <"$REF/seed-1/log.csv") - 1 ))
echo "reference: $epochs epochs over 2 models in $ms ms"

failed=0
for ((t = 1; t <= TRIALS; t++)); do
  RUN=$WORK/trial-$t
  rm -rf "$RUN"
  if ((t % 2 == 0)); then
    # Halfway through the K-th write of a checkpoint or a bundle.
    case $((t % 6)) in
      2) part=/checkpoint k=$((1 + RANDOM % epochs)) ;;
      4) part=/last.bundle k=$((1 + RANDOM % epochs)) ;;
      0) part=/best.bundle k=$((1 + RANDOM % 2)) ;;  # each model's first epoch is its best so far
    esac
    how="killed writing ${part#/} $k"
    EARSHOT_FAULT="kill:$k:$part" "${TRAIN[@]}" "$RUN" >"$RUN.log" 2>&1 &
    pid=$!
  else
    # At a random moment: once E epochs are done (0: while loading the
    # data), plus up to one epoch's time.
    e=$((RANDOM % epochs))
    delay=$((RANDOM % (ms / epochs)))
    how="killed $delay ms after epoch $e"
    "${TRAIN[@]}" "$RUN" >"$RUN.log" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null && (($(cat "$RUN"/seed-*/log.csv 2>/dev/null | grep -c '^[0-9]') < e)); do
      sleep 0.05
    done
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -9 "$pid" 2>/dev/null || how="$how (had finished)"
  fi
  status=0
  wait "$pid" 2>/dev/null || status=$?
  [[ $status -eq 137 || "$how" == *finished* ]] || how="$how (exit $status, not killed)"
  if [[ -f "$RUN/recipe.toml" ]]; then
    resumed=$("$BIN" train --resume "$RUN" --no-report 2>>"$RUN.log" | head -1) || true
  else
    resumed="started again: killed before recipe.toml"
    "${TRAIN[@]}" "$RUN" >>"$RUN.log" 2>&1 || true
  fi
  if out=$(compare "$REF" "$RUN"); then
    echo "trial $t: $how; $resumed; same as the reference"
  else
    echo "trial $t: $how; $resumed; DIFFERENT"
    echo "$out"
    tail -5 "$RUN.log" | sed 's/^/    log: /'
    failed=$((failed + 1))
  fi
done
echo "$((TRIALS - failed)) of $TRIALS trials ended where the uninterrupted run did"
((failed == 0))
