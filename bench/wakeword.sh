#!/bin/bash
# The wake-word protocol of docs/recipes.md ("Wake word from text"): train
# configs/wakeword.toml on "hey earshot" from text, choose the threshold
# for 1 false alarm an hour on HOURS negative hours of other voices (and
# count its false rejects on a positive stream of those voices, to compare
# recipes), then report, on voices never used for training or choosing,
# the false-reject rate on a positive stream and the false alarms per hour
# on HOURS more negative hours.
#
#   bash bench/wakeword.sh BUILD_DIR WORK NAME [--set key=value ...]
#   bash bench/wakeword.sh build /tmp/wake recipe
#   SPEAKERS=80 EPOCHS=12 bash bench/wakeword.sh build /tmp/wake small --set data.unknown_percentage=100
#
# Data (made once in WORK, reused by later calls with the same SPEAKERS,
# REPEATS, VOICES and HOURS):
#   WORK/keywords-S-R   the phrase by S voices (seed 1), R takes each, and near misses
#   WORK/tune-V         V other voices (seed 2, default 180): HOURS negative hours
#                       (default 3), on which the threshold is chosen, and a
#                       positive stream (30 min), on which recipes are compared
#   WORK/test-V         V more voices (seed 3): the positive stream (30 min) the
#                       false-reject rate is counted on, and HOURS negative hours
#                       for the false alarms per hour of the chosen threshold
# Results: WORK/NAME/results.txt and stdout.
set -euo pipefail
[[ $# -ge 3 ]] || { sed -n 2,23p "$0"; exit 2; }
cd "$(dirname "$0")/.."   # BUILD_DIR and WORK may be relative to the checkout
build=$1 work=$2 name=$3
shift 3
speakers=${SPEAKERS:-320} repeats=${REPEATS:-4} epochs=${EPOCHS:-}
voices=${VOICES:-180} hours=${HOURS:-3}
earshot=$(realpath "$build/earshot")
mkdir -p "$work"

keywords() {  # keywords DIR SEED SPEAKERS REPEATS
  [[ -f $1/.done ]] && return
  "$earshot" synth keywords "$1" --words "hey earshot" --confusables --seed "$2" --speakers "$3" \
    --repeats "$4" --threads "${THREADS:-2}" --force >"$1.log" 2>&1
  touch "$1/.done"
}
stream() {  # stream OUT.wav FROM MINUTES [--negative]
  [[ -f $1 ]] && return
  "$earshot" synth stream "$1" --from "$2" --split all --keywords hey_earshot --minutes "$3" \
    "${@:4}" >"$1.log" 2>&1
}
train_set=$work/keywords-$speakers-$repeats
tune=$work/tune-$voices test=$work/test-$voices
keywords "$train_set" 1 "$speakers" "$repeats"
keywords "$tune" 2 "$voices" 1
keywords "$test" 3 "$voices" 1
stream "$tune-negative-${hours}h.wav" "$tune" $((hours * 60)) --negative
stream "$tune-positive.wav" "$tune" 30
stream "$test-positive.wav" "$test" 30
stream "$test-negative-${hours}h.wav" "$test" $((hours * 60)) --negative

run=$work/$name
if [[ ! -f $run/model/best.bundle ]]; then
  "$earshot" train configs/wakeword.toml --set data.root="$train_set" \
    ${epochs:+--set train.epochs=$epochs} "$@" --no-report --out "$run" >"$run.train.log" 2>&1
fi
op=$run/op.bundle
cp "$run/model/best.bundle" "$op"
"$earshot" eval-stream "$op" "$tune-negative-${hours}h.wav" "$tune-negative-${hours}h.truth.csv" \
  --target-fa-per-hour 1 --write-thresholds --out "$run/tune" >/dev/null 2>"$run/tune.log"
"$earshot" eval-stream "$op" "$tune-positive.wav" "$tune-positive.truth.csv" \
  --out "$run/tune-positive" >/dev/null 2>"$run/tune-positive.log"
"$earshot" eval-stream "$op" "$test-positive.wav" "$test-positive.truth.csv" \
  --spans "$test-positive.spans.csv" --out "$run/positive" >/dev/null 2>"$run/positive.log"
"$earshot" eval-stream "$op" "$test-negative-${hours}h.wav" "$test-negative-${hours}h.truth.csv" \
  --out "$run/negative" >/dev/null 2>"$run/negative.log"
/usr/bin/python3 - "$run" "$speakers" "$repeats" "$voices" "$hours" <<'PY' | tee "$run/results.txt"
import json, sys
run, speakers, repeats, voices, hours = sys.argv[1:]
epochs = len(open(f"{run}/model/log.csv").read().splitlines()) - 1
test = json.load(open(f"{run}/model/metrics_test.json"))
tune = json.load(open(f"{run}/tune/metrics.json"))
tune_pos = json.load(open(f"{run}/tune-positive/metrics.json"))
pos = json.load(open(f"{run}/positive/metrics.json"))
neg = json.load(open(f"{run}/negative/metrics.json"))
def kw(m):
    return next(k for k in m["keywords"] if k["label"] == "hey_earshot")
chosen = next(c for c in tune["operating_point"]["chosen"] if c["label"] == "hey_earshot")
lat = pos["latency"]
print(f"{run}: {speakers} voices x {repeats} takes, {epochs} epochs")
print(f"  clips: test accuracy {test['accuracy']:.4f}")
print(f"  threshold for <= 1 false alarm/h on {hours} tuning hours ({voices} voices): {chosen['threshold']};"
      f" false-reject rate on their positive stream {kw(tune_pos)['false_reject_rate']:.4f}")
print(f"  positive stream (30 min, {voices} other voices): false-reject rate {kw(pos)['false_reject_rate']:.4f}"
      f" ({kw(pos)['found']} of {kw(pos)['words']} found), {kw(pos)['false_alarms']} false alarms;"
      f" latency median {lat.get('median_ms', float('nan')):.0f} ms, p95 {lat.get('p95_ms', float('nan')):.0f} ms")
print(f"  {hours} negative hours of those voices: {kw(neg)['false_alarms']} false alarms,"
      f" {kw(neg)['false_alarms_per_hour']:.2f} per hour")
PY
