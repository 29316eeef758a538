#!/usr/bin/env bash
# Runs the front-end benchmark and the torchaudio timing one after the other
# on this machine and prints how many times faster earshot is. Both sides
# count CPU time of the one working thread, and on a shared machine only
# ratios from the same run mean anything.
#   bench/compare_features.sh [BUILD_DIR]     (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
source bench/peer_malloc.sh
ninja -C "$build" bench_features >/dev/null
rounds="${ROUNDS:-3}"
for round in $(seq "$rounds"); do
  ours=$("$build/bench/bench_features" --benchmark_repetitions=5 \
           --benchmark_report_aggregates_only=true --benchmark_format=json 2>/dev/null)
  theirs=$("${peer_env[@]}" /usr/bin/python3 bench/torchaudio_melspec.py)
  /usr/bin/python3 - "$ours" "$theirs" "$round" <<'PY'
import json, sys
ours, theirs, rnd = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
med = {b["run_name"]: b["cpu_time"] for b in ours["benchmarks"]
       if b.get("aggregate_name") == "median"}
assert all(b["time_unit"] == "us" for b in ours["benchmarks"])
clip, batch = med["BM_LogMel40_PerClip"], med["BM_LogMel40_Batch64"]
print(f"round {rnd}: per clip  earshot {clip:8.1f} us  torchaudio {theirs['per_clip_us']:8.1f} us"
      f"  ratio {theirs['per_clip_us'] / clip:5.2f}x")
print(f"round {rnd}: batch 64  earshot {batch:8.1f} us  torchaudio {theirs['batch64_us']:8.1f} us"
      f"  ratio {theirs['batch64_us'] / batch:5.2f}x")
PY
done
