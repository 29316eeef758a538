#!/bin/bash
# The robustness protocol of docs/recipes.md: a keyword spotter trained on
# some voice families, tested on its own test split clean and corrupted and
# on voice families it never heard.
#
#   bash bench/robustness.sh BUILD_DIR WORK NAME RECIPE [--set key=value ...]
#   bash bench/robustness.sh build /tmp/rob base configs/kws-dscnn.toml
#   bash bench/robustness.sh build /tmp/rob bcres configs/kws-bcresnet.toml --set train.epochs=40
#
# The data sets are made once in WORK and reused by every later call:
#   WORK/train        SPEAKERS voices (seed 1) of the training accents and variants;
#                     TRAIN_SYNTH adds options to its synth (e.g. "--baked-share 0.3":
#                     then give a WORK of its own, with the family sets linked in)
#   WORK/fam-<name>   TEST_SPEAKERS voices (seed 2) of one family group below
# The model is trained on WORK/train (its hash split keeps the test
# speakers out of training), then evaluated on WORK/train's test split,
# clean and under each corruption, and on the whole of each family set.
# One line per figure goes to WORK/NAME/results.tsv and to stdout.
set -euo pipefail
[[ $# -ge 4 ]] || { sed -n 2,9p "$0"; exit 2; }
build=$1 work=$2 name=$3 recipe=$4
shift 4
speakers=${SPEAKERS:-320}
test_speakers=${TEST_SPEAKERS:-60}
earshot=$(realpath "$build/earshot")

# Voice families: espeak-ng's English accents and voice variants. Three
# accents and a third of the variants never speak in the training set.
train_accents=en,en-us,en-gb-scotland,en-gb-x-rp,en-gb-x-gbclan
held_accents=en-029,en-gb-x-gbcwmd,en-us-nyc
train_variants=m1,m2,m3,m4,m5,f1,f2,f3,klatt,klatt2,klatt3,Alex,Andy,adam,aunty,belinda,boris,david,ed,edward,grandpa,john,max,michel,paul,rob,steph,victor,iven,shelby
held_variants=m6,m7,f4,f5,klatt4,Annie,anika,benjamin,caleb,grandma,linda,norbert,robert,travis,zac

mkdir -p "$work"
synth() {  # synth DIR SEED SPEAKERS ACCENTS VARIANTS [OPTION ...]
  [[ -f $1/.done ]] && return
  "$earshot" synth keywords "$1" --seed "$2" --speakers "$3" --accents "$4" --variants "$5" \
    --threads "${THREADS:-2}" --force "${@:6}" >"$1.log" 2>&1
  touch "$1/.done"
}
# shellcheck disable=SC2086  # TRAIN_SYNTH is a list of options
synth "$work/train" 1 "$speakers" "$train_accents" "$train_variants" ${TRAIN_SYNTH:-}
synth "$work/fam-seen" 2 "$test_speakers" "$train_accents" "$train_variants"
synth "$work/fam-new-variants" 2 "$test_speakers" "$train_accents" "$held_variants"
synth "$work/fam-new-accents" 2 "$test_speakers" "$held_accents" "$train_variants"
for accent in ${held_accents//,/ }; do
  synth "$work/fam-$accent" 2 "$test_speakers" "$accent" "$held_variants"
done

run=$work/$name
if [[ ! -f $run/model/best.bundle ]]; then
  "$earshot" train "$recipe" --set data.root="$work/train" "$@" --no-report --out "$run" \
    >"$run.train.log" 2>&1
fi
bundle=$run/model/best.bundle
results=$run/results.tsv
: >"$results"
accuracy() { /usr/bin/python3 -c 'import json, sys; print("%.4f" % json.load(sys.stdin)["accuracy"])'; }
"$earshot" eval "$bundle" "$work/train" --split test \
  --corrupt 'noise:snr=10;reverb:rt60=0.6;telephone;pitch:semitones=3' 2>/dev/null |
  /usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin)["robustness"]
print("own test split, clean\t%.4f" % r["clean"])
for row in r["rows"]:
    print("own test split, %s\t%.4f" % (row["corruption"], row["accuracy"]))' >>"$results"
for fam in seen new-variants new-accents ${held_accents//,/ }; do
  case $fam in
    seen) what="new voices of the training families" ;;
    new-variants) what="training accents, held-out variants" ;;
    new-accents) what="held-out accents, training variants" ;;
    *) what="never heard: $fam, held-out variants" ;;
  esac
  echo "$what	$("$earshot" eval "$bundle" "$work/fam-$fam" --split all 2>/dev/null | accuracy)" >>"$results"
done
sed "s/^/$name\t/" "$results"
