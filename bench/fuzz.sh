#!/usr/bin/env bash
# Fuzzes every parser with libFuzzer, ASan and UBSan (docs/reliability.md):
#
#   bench/fuzz.sh [MINUTES] [TARGET...]     # default: 10 minutes, every target
#
# Configures build-fuzz/ with clang-14 and EARSHOT_FUZZ=ON (once; the bundle
# loader's targets, which need LibTorch, in build-fuzz-ml/, where LibTorch's
# own code is not instrumented), builds the targets, then runs them one
# after the other, niced, each for MINUTES
# from its seed corpus (fuzz/corpus/<target>/) plus the inputs it found
# before (build-fuzz/runs/<target>/corpus/). Findings (crash-*, leak-*,
# oom-*, timeout-* inputs) land in build-fuzz/runs/<target>/findings/, the
# log in build-fuzz/runs/<target>/log.txt; leaks inside Debian's libraries
# listed in tests/sanitizer/lsan.supp are not reported. At the end, one line per target:
# seconds run, executions, executions/s, libFuzzer's cov and ft, findings.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(decode_audio csv_manifest soft_csv npy npz recipe pcm_stream serve_request stream_truth bundle bundle_meta)
fi
# build-fuzz: the core alone; build-fuzz-ml: with LibTorch (and PLplot,
# which the LibTorch part needs), for the bundle loader.
configure() {
  local dir=$1 torch=$2
  [[ -f $dir/build.ninja ]] && return
  local launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  fi
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    "${launcher[@]}" -DEARSHOT_FUZZ=ON -DEARSHOT_WITH_TORCH="$torch" -DEARSHOT_WITH_SYNTH=OFF \
    -DEARSHOT_WITH_PLOTS="$torch" -DEARSHOT_BUILD_TESTS=OFF -DEARSHOT_BUILD_BENCH=OFF >/dev/null
}
build_dir() { case $1 in bundle|bundle_meta) echo build-fuzz-ml ;; *) echo build-fuzz ;; esac; }
core=() ml=()
for t in "${targets[@]}"; do
  if [[ $(build_dir "$t") == build-fuzz-ml ]]; then ml+=("fuzz_$t"); else core+=("fuzz_$t"); fi
done
if (( ${#core[@]} )); then
  configure build-fuzz OFF
  nice ninja -C build-fuzz -j "${JOBS:-2}" --quiet "${core[@]}"
fi
if (( ${#ml[@]} )); then
  configure build-fuzz-ml ON
  nice ninja -C build-fuzz-ml -j "${JOBS:-2}" --quiet "${ml[@]}"
fi

export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Leaks inside Debian's libraries that earshot cannot fix (tests/sanitizer/lsan.supp).
export LSAN_OPTIONS=suppressions=$PWD/tests/sanitizer/lsan.supp:print_suppressions=0
summary=()
for t in "${targets[@]}"; do
  dir=$(build_dir "$t")
  run=$dir/runs/$t
  mkdir -p "$run/corpus" "$run/findings"
  echo "fuzzing $t for $minutes min ($run/log.txt)"
  start=$(date +%s)
  # LibTorch is built without frame pointers: the fast unwinder stops at its
  # first frame, too short for tests/sanitizer/lsan.supp to name the LibTorch function
  # that leaked, so the bundle targets record whole stacks (slower).
  unwind=
  [[ $dir == build-fuzz-ml ]] && unwind=fast_unwind_on_malloc=0
  # New inputs go to the first folder; the seeds are only read.
  ASAN_OPTIONS=${ASAN_OPTIONS:-$unwind} nice "$dir"/fuzz/fuzz_"$t" "$run/corpus" "fuzz/corpus/$t" \
    -max_total_time=$((minutes * 60)) -timeout=25 -rss_limit_mb=2048 \
    -artifact_prefix="$run/findings/" -print_final_stats=1 >"$run/log.txt" 2>&1 || true
  seconds=$(( $(date +%s) - start ))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$run/log.txt" | tail -1 | grep -o '[0-9]*$' || true)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$run/log.txt" | tail -1 | grep -o '[0-9]*$' || true)
  cov=$(grep -o 'cov: [0-9]*' "$run/log.txt" | tail -1 | grep -o '[0-9]*$' || true)
  ft=$(grep -o 'ft: [0-9]*' "$run/log.txt" | tail -1 | grep -o '[0-9]*$' || true)
  findings=$(find "$run/findings" -type f | wc -l)
  summary+=("$(printf '%-14s %6ss %12s %9s %6s %7s %4s' "$t" "$seconds" "${execs:-?}" "${rate:-?}" \
               "${cov:-?}" "${ft:-?}" "$findings")")
done
printf '%-14s %7s %12s %9s %6s %7s %4s\n' target run executions exec/s cov ft findings
printf '%s\n' "${summary[@]}"
for t in "${targets[@]}"; do
  find "$(build_dir "$t")/runs/$t/findings" -type f | sed 's/^/finding: /'
done
