#!/bin/bash
# The wake-word protocol of docs/recipes.md ("Wake word from text"): train
# configs/wakeword.toml on "hey earshot" from text, choose the threshold
# for 1 false alarm an hour on one negative hour, then report the
# false-reject rate on a positive stream and the false alarms on a second
# negative hour, all three made of voices never trained on.
#
#   bash bench/wakeword.sh BUILD_DIR WORK NAME [--set key=value ...]
#   bash bench/wakeword.sh build /tmp/wake recipe
#   SPEAKERS=80 EPOCHS=12 bash bench/wakeword.sh build /tmp/wake small --set data.unknown_percentage=100
#
# Data (made once in WORK, reused by later calls with the same SPEAKERS
# and REPEATS):
#   WORK/keywords-S-R   the phrase by S voices (seed 1), R takes each, and near misses
#   WORK/others         60 other voices (seed 2): the positive stream (20 min) and
#                       the negative hour the threshold is chosen on
#   WORK/others3        60 more voices (seed 3): a second negative hour, for the
#                       false alarms the chosen threshold gives on audio it was not chosen on
# Results: WORK/NAME/results.txt and stdout.
set -euo pipefail
[[ $# -ge 3 ]] || { sed -n 2,13p "$0"; exit 2; }
cd "$(dirname "$0")/.."   # BUILD_DIR and WORK may be relative to the checkout
build=$1 work=$2 name=$3
shift 3
speakers=${SPEAKERS:-320} repeats=${REPEATS:-4} epochs=${EPOCHS:-}
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
keywords "$train_set" 1 "$speakers" "$repeats"
keywords "$work/others" 2 60 1
keywords "$work/others3" 3 60 1
stream "$work/positive.wav" "$work/others" 20
stream "$work/negative.wav" "$work/others" 60 --negative
stream "$work/negative3.wav" "$work/others3" 60 --negative

run=$work/$name
if [[ ! -f $run/model/best.bundle ]]; then
  "$earshot" train configs/wakeword.toml --set data.root="$train_set" \
    ${epochs:+--set train.epochs=$epochs} "$@" --no-report --out "$run" >"$run.train.log" 2>&1
fi
op=$run/op.bundle
cp "$run/model/best.bundle" "$op"
"$earshot" eval-stream "$op" "$work/negative.wav" "$work/negative.truth.csv" \
  --target-fa-per-hour 1 --write-thresholds --out "$run/negative" >/dev/null 2>"$run/negative.log"
"$earshot" eval-stream "$op" "$work/positive.wav" "$work/positive.truth.csv" \
  --spans "$work/positive.spans.csv" --out "$run/positive" >/dev/null 2>"$run/positive.log"
"$earshot" eval-stream "$op" "$work/negative3.wav" "$work/negative3.truth.csv" \
  --out "$run/negative3" >/dev/null 2>"$run/negative3.log"
/usr/bin/python3 - "$run" "$speakers" "$repeats" <<'PY' | tee "$run/results.txt"
import json, sys
run, speakers, repeats = sys.argv[1:]
epochs = len(open(f"{run}/model/log.csv").read().splitlines()) - 1
test = json.load(open(f"{run}/model/metrics_test.json"))
neg = json.load(open(f"{run}/negative/metrics.json"))
pos = json.load(open(f"{run}/positive/metrics.json"))
neg3 = json.load(open(f"{run}/negative3/metrics.json"))
def kw(m):
    return next(k for k in m["keywords"] if k["label"] == "hey_earshot")
chosen = next(c for c in neg["operating_point"]["chosen"] if c["label"] == "hey_earshot")
lat = pos["latency"]
print(f"{run}: {speakers} voices x {repeats} takes, {epochs} epochs")
print(f"  clips: test accuracy {test['accuracy']:.4f}")
print(f"  threshold for <= 1 false alarm/h on the tuning hour: {chosen['threshold']}"
      f" ({kw(neg)['false_alarms']} false alarms there at the bundle's thresholds before)")
print(f"  positive stream (20 min): false-reject rate {kw(pos)['false_reject_rate']:.4f}"
      f" ({kw(pos)['found']} of {kw(pos)['words']} found), {kw(pos)['false_alarms']} false alarms;"
      f" latency median {lat.get('median_ms', float('nan')):.0f} ms, p95 {lat.get('p95_ms', float('nan')):.0f} ms")
print(f"  second negative hour: {kw(neg3)['false_alarms']} false alarms,"
      f" {kw(neg3)['false_alarms_per_hour']:.2f} per hour")
PY
