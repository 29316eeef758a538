#!/usr/bin/env bash
# The installed package as another program sees it: installs the build into
# a temporary prefix, configures the examples on their own (examples/*, only
# find_package(earshot) and pkg-config, never this source tree's headers),
# builds and runs them, and checks their output against the earshot binary
# on the same files.
#   install_examples_test.sh BUILD_DIR SOURCE_DIR WORK_DIR WITH_TORCH
# With WITH_TORCH=ON (and the synth part, for the data): a small DS-CNN-S
# bundle is trained on two spoken words, and the C and C++ examples must
# print what `earshot predict --top-k 3` prints. Always: the features
# example must give the shape and sum of `earshot features --json`.
set -euo pipefail
build=$(realpath "$1")
source=$(realpath "$2")
work=$3
with_torch=$4
rm -rf "$work"
mkdir -p "$work"
work=$(realpath "$work")
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
earshot=$prefix/bin/earshot
export CMAKE_PREFIX_PATH=$prefix
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache); fi

build_example() {  # NAME: configure and build examples/NAME in $work/NAME
  cmake -S "$source/examples/$1" -B "$work/$1" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" \
    >"$work/$1.log" 2>&1 || { cat "$work/$1.log"; exit 1; }
  ninja -C "$work/$1" >>"$work/$1.log" 2>&1 || { cat "$work/$1.log"; exit 1; }
}

fail() { echo "FAIL: $*" >&2; exit 1; }

# A 1 s 16-bit mono WAV at 16 kHz whose samples are bytes of text: the same
# file every run, without the synth part.
le() {  # VALUE BYTES: little-endian bytes as printf escapes
  local v=$1 out=""
  for ((i = 0; i < $2; ++i)); do out+=$(printf '\\x%02x' $(((v >> (8 * i)) & 255))); done
  printf '%s' "$out"
}
write_wav() {  # PATH
  local n=32000
  {
    printf "RIFF$(le $((36 + n)) 4)WAVEfmt $(le 16 4)$(le 1 2)$(le 1 2)$(le 16000 4)$(le 32000 4)$(le 2 2)$(le 16 2)data$(le $n 4)"
    head -c $n < <(yes 'earshot, a sound classifier')
  } >"$1"
}

# ---- the front end alone (earshot::core) ----
build_example features
write_wav "$work/text.wav"
got=$("$work/features/features_example" "$work/text.wav")
json=$("$earshot" features "$work/text.wav" --json)
want_shape=$(grep -o '"shape": *\[[0-9, ]*\]' <<<"$json" | tr -d ' "shape:[]' | tr ',' 'x')
want_sum=$(grep -o '"data": *\[[^]]*\]' <<<"$json" | tr -d '"data:[]' | tr ',' '\n' |
  awk '{ s += $1 } END { printf "%.9g", s }')
got_shape=$(awk '/^shape/ { print $2 }' <<<"$got")
got_sum=$(awk '/^sum/ { print $2 }' <<<"$got")
[[ -n "$want_shape" && "$got_shape" == "$want_shape" ]] || fail "features shape: example '$got_shape', earshot features '$want_shape'"
awk -v a="$got_sum" -v b="$want_sum" 'BEGIN { d = a - b; if (d < 0) d = -d; m = (b < 0 ? -b : b); exit !(d <= 1e-4 * m + 1e-3) }' ||
  fail "features sum: example $got_sum, earshot features $want_sum"
# pkg-config alone builds it too.
c++ -std=c++17 -O1 "$source/examples/features/features.cc" -o "$work/features_pc" \
  $(pkg-config --cflags --libs earshot-core)
[[ "$("$work/features_pc" "$work/text.wav")" == "$got" ]] || fail "the pkg-config build of the features example differs"
echo "features example: shape $got_shape, sum $got_sum (earshot features: $want_sum)"

[[ "$with_torch" == ON ]] || { rm -rf "$work"; exit 0; }

# ---- a small bundle: DS-CNN-S, two words, two epochs ----
"$earshot" synth keywords "$work/data" --words yes,no --speakers 6 --noise-seconds 2 >"$work/synth.log" 2>&1 ||
  { cat "$work/synth.log"; exit 1; }
"$earshot" train "$source/configs/kws-dscnn.toml" --out "$work/run" --no-report \
  --set data.root="$work/data" --set data.wanted_words=yes,no --set data.split=stratified \
  --set data.validation_fraction=0.25 --set data.test_fraction=0.25 --set train.epochs=2 \
  --set loader.batch_size=8 --set loader.threads=1 >"$work/train.log" 2>&1 || { cat "$work/train.log"; exit 1; }
bundle=$work/run/model/best.bundle
yes_files=("$work/data/yes/"*.wav)
no_files=("$work/data/no/"*.wav)
files=("${yes_files[@]:0:2}" "${no_files[0]}" "$work/text.wav")
want=$("$earshot" predict "$bundle" "${files[@]}" --top-k 3)

build_example cpp
got=$("$work/cpp/classify_cpp" "$bundle" "${files[@]}" --top-k 3)
[[ "$got" == "$want" ]] || fail "C++ example differs from earshot predict:"$'\n'"$got"$'\n---\n'"$want"

build_example c
got=$("$work/c/classify_c" "$bundle" "${files[@]}" --top-k 3)
[[ "$got" == "$want" ]] || fail "C example differs from earshot predict:"$'\n'"$got"$'\n---\n'"$want"
# The C example with pkg-config alone: compiled as C, linked by the C++ driver.
cc -std=c11 -O1 -c "$source/examples/c/classify.c" -o "$work/classify_pc.o" $(pkg-config --cflags earshot)
c++ "$work/classify_pc.o" -o "$work/classify_pc" $(pkg-config --libs earshot)
got=$("$work/classify_pc" "$bundle" "${files[@]}" --top-k 3)
[[ "$got" == "$want" ]] || fail "the pkg-config build of the C example differs from earshot predict"

# An error crosses the C API as a status and a message naming the file.
if "$work/c/classify_c" "$bundle" "$work/none.wav" >/dev/null 2>"$work/err.txt"; then fail "a missing file succeeded"; fi
grep -q "none.wav" "$work/err.txt" || fail "the error does not name the file: $(cat "$work/err.txt")"
# The C detector example on a stream of words (the WAVs' samples, headers
# skipped) prints the events `earshot stream` prints for the same bytes.
for f in "${yes_files[@]:0:3}" "${no_files[@]:0:3}"; do tail -c +45 "$f"; done >"$work/words.s16le"
want_events=$("$earshot" stream "$bundle" - --format s16le --output-format csv --stride-ms 40 --threshold 0.05 \
  --suppression-ms 0 --minimum-count 1 --label-change=false <"$work/words.s16le" 2>/dev/null)
got_events=$("$work/c/detect_c" "$bundle" stride_ms=40 detection_threshold=0.05 suppression_ms=0 minimum_count=1 label_change=false \
  <"$work/words.s16le" 2>/dev/null)
[[ "$got_events" == "$want_events" ]] || fail "C detector example differs from earshot stream:"$'\n'"$got_events"$'\n---\n'"$want_events"
if "$work/c/detect_c" "$bundle" stride_ms=25 </dev/null >/dev/null 2>"$work/err.txt"; then fail "a bad stride succeeded"; fi
grep -q "stride_ms" "$work/err.txt" || fail "the error does not name the setting: $(cat "$work/err.txt")"
echo "C detector example prints what earshot stream prints ($(($(wc -l <<<"$want_events") - 1)) events)"
echo "C and C++ examples print what earshot predict prints:"
echo "$want"
rm -rf "$work"
