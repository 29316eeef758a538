#!/usr/bin/env bash
# Configures and builds the front-end-only variant in build-core/: the core
# (util, audio, features, data, metrics) and the `features` and `inspect`
# commands, without LibTorch, espeak-ng, FluidSynth or PLplot; then runs its
# tests, among them `installed_examples`: the core installed into a
# temporary prefix and examples/features built against it alone
# (docs/library.md). Arguments go to ctest. With ccache (scripts/setup.sh installs it),
# the core's objects come from the full build's and this takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f build-core/build.ninja ]]; then
  launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  fi
  cmake -S . -B build-core -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" \
    -DEARSHOT_WITH_TORCH=OFF -DEARSHOT_WITH_SYNTH=OFF -DEARSHOT_WITH_PLOTS=OFF \
    -DEARSHOT_BUILD_BENCH=OFF >/dev/null
fi
ninja -C build-core -j "$(nproc)" --quiet
cd build-core
ctest --output-on-failure -j "$(nproc)" "$@"
