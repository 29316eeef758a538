#!/usr/bin/env bash
# The main job: set up, build, make an example sound and show its features.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
mkdir -p out/demo
build/earshot synth example out/demo/example.wav
build/earshot features out/demo/example.wav --set n_mels=20 --set hop_length=1600
build/earshot features out/demo/example.wav --npy out/demo/example_logmel.npy
echo "features of out/demo/example.wav written to out/demo/example_logmel.npy"
