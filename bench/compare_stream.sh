#!/bin/bash
# `earshot stream` against its Python peer (bench/pytorch_stream_kws.py) on
# the same audio, one thread each, then the resident memory of an hour of
# audio on stdin (docs/benchmarks.md, "Streaming").
#
#   bash bench/compare_stream.sh [BUILD_DIR] [SECONDS]
#   HOUR=0 bash bench/compare_stream.sh ...   (without the hour on stdin)
#   PEER_MALLOC=default ...                   (the peer without earshot's malloc settings)
set -euo pipefail
build=${1:-build}
seconds=${2:-600}
hour=${HOUR:-1}
source "$(dirname "$0")/peer_malloc.sh"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$build/bench/bench_stream_bundle" configs/kws-dscnn.toml "$dir/kws.bundle" >/dev/null
/usr/bin/python3 - "$dir/noise.wav" "$seconds" <<'PY'
import sys, numpy as np, scipy.io.wavfile
x = np.random.default_rng(1).normal(0, 0.05, 16000 * int(sys.argv[2])) * 32767
scipy.io.wavfile.write(sys.argv[1], 16000, x.clip(-32768, 32767).astype("<i2"))
PY
cpu() { grep -E "User time|System time" "$1" | awk '{s += $NF} END {printf "%.2f", s}'; }
/usr/bin/time -v "$build/earshot" stream "$dir/kws.bundle" "$dir/noise.wav" --threads 1 >/dev/null 2>"$dir/cpp.txt"
/usr/bin/time -v "${peer_env[@]}" /usr/bin/python3 bench/pytorch_stream_kws.py "$dir/noise.wav" --threads 1 >"$dir/py.out" 2>"$dir/py.txt"
c=$(cpu "$dir/cpp.txt"); p=$(cpu "$dir/py.txt")
echo "audio: $seconds s, DS-CNN-S, stride 20 ms, 1 thread"
echo "earshot stream: cpu $c s, wall $(grep Elapsed "$dir/cpp.txt" | awk '{print $NF}'), real-time factor (cpu) $(echo "$c / $seconds" | bc -l | cut -c1-6)"
echo "pytorch peer:   cpu $p s, wall $(grep Elapsed "$dir/py.txt" | awk '{print $NF}'), real-time factor (cpu) $(echo "$p / $seconds" | bc -l | cut -c1-6)"
echo "speed ratio (cpu): $(echo "$p / $c" | bc -l | cut -c1-5)x"
cat "$dir/py.out"
# An hour of audio as raw PCM on stdin: the resident memory stays flat.
[[ $hour == 0 ]] && exit 0
reps=$(( (3600 + seconds - 1) / seconds ))
for _ in $(seq "$reps"); do tail -c +45 "$dir/noise.wav"; done |
  /usr/bin/time -v "$build/earshot" stream "$dir/kws.bundle" - --threads 1 >/dev/null 2>"$dir/hour.txt"
echo "$((reps * seconds)) s on stdin: max resident $(grep Maximum "$dir/hour.txt" | awk '{print $NF}') kB, cpu $(cpu "$dir/hour.txt") s"
