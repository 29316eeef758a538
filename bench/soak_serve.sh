#!/bin/bash
# Soak test of `earshot serve`: wrk at one concurrency for a long time, the
# server's resident memory (VmRSS) sampled every few seconds, then its
# request and error counts from /metrics. docs/benchmarks.md, "Serving".
#
#   bench/soak_serve.sh build/earshot runs/kws/model/best.bundle clip.wav
#   DURATION=600 CONNECTIONS=8 EVERY=10 bench/soak_serve.sh ...
set -euo pipefail
earshot=$1 bundle=$2 wav=$3
duration=${DURATION:-600}
connections=${CONNECTIONS:-8}
every=${EVERY:-10}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
"$earshot" serve "$bundle" --port 0 --threads 16 >"$work/out" 2>"$work/err" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do grep -q "^listening on " "$work/out" && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/out")
rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
echo "earshot $url  wrk -t1 -c$connections -d${duration}s  RSS every ${every}s (kB)"
echo "start rss_kb=$(rss)"
WAV=$wav wrk -t1 -c"$connections" -d"${duration}s" --timeout 10s -s "$here/serve_wrk.lua" "$url/v1/classify" \
  >"$work/wrk" &
wrk_pid=$!
samples=()
while kill -0 $wrk_pid 2>/dev/null; do
  sleep "$every"
  samples+=("$(rss)")
done
wait $wrk_pid
echo "rss_kb ${samples[*]}"
sorted=$(printf '%s\n' "${samples[@]}" | sort -n)
echo "rss_kb min=$(echo "$sorted" | head -1) max=$(echo "$sorted" | tail -1) first=${samples[0]} last=${samples[-1]}"
grep '^RESULT' "$work/wrk"
curl -s "$url/metrics" | grep -E '^earshot_(requests|errors)_total'
kill -TERM $pid
wait $pid && echo "server exit 0"
