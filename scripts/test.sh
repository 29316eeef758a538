#!/usr/bin/env bash
# Sets up, builds and runs every test: the full build in build/, then the
# front-end-only build in build-core/ (scripts/build_core_only.sh), which
# checks that the core builds and works without LibTorch, espeak-ng,
# FluidSynth and PLplot. Arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j "$(nproc)" "$@")
scripts/build_core_only.sh "$@"
