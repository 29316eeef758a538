#!/usr/bin/env bash
# Configures and builds earshot in build/ with every part (CMakeLists.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache lets scripts/build_core_only.sh reuse the core's objects.
if [[ ! -f build/build.ninja ]]; then
  launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  fi
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
fi
ninja -C build -j "$(nproc)" --quiet
