#!/usr/bin/env bash
# The main job: set up, build, make the demo keyword set, train the default
# keyword spotter (BC-ResNet-3, 12 classes, configs/kws-bcresnet.toml),
# evaluate it on its held-out speakers, clean and corrupted, and write the
# run's report. About 25 minutes on 2 cores: the
# first build about 9, training about 15.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh

data=out/demo/keywords
run=runs/kws-bcresnet
if [[ ! -f "$data/.made-320-speakers-seed-1-intonation" ]]; then
  rm -rf "$data"
  build/earshot synth keywords "$data" --speakers 320 --seed 1
  touch "$data/.made-320-speakers-seed-1-intonation"
fi
rm -rf "$run"
build/earshot train configs/kws-bcresnet.toml --set data.root="$data" --out "$run"
build/earshot eval "$run/model/best.bundle" "$data" --split test --out "$run/eval" > /dev/null
accuracy=$(grep -m1 '"accuracy"' "$run/model/metrics_test.json" | tr -dc '0-9.')
echo
echo "test accuracy on speakers never seen in training: $accuracy"
echo "run:    $run (log.csv, curves_*.png, best.bundle, metrics_test.json)"
echo "eval:   $run/eval"
echo "robustness (test split corrupted): $run/model/robustness/robustness.csv"
echo "report: $run/report.html"
