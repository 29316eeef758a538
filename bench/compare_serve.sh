#!/bin/bash
# Load test of `earshot serve` against the Python peer (bench/pytorch_serve_kws.py)
# on localhost, in the same run: wrk at each concurrency, one side after the
# other, the same 1 s WAV POSTed to /v1/classify. Prints one line per side
# and concurrency: requests per second, median and 99th-percentile latency,
# errors. docs/benchmarks.md, "Serving".
#
#   bench/compare_serve.sh build/earshot runs/kws/model/best.bundle clip.wav
#   DURATION=20s CONCURRENCY="1 8 64" TORCH_THREADS=1 EARSHOT_ARGS="--max-batch 64" bench/compare_serve.sh ...
#   PEER_MALLOC=default bench/compare_serve.sh ...   (the peer without earshot's malloc settings)
set -euo pipefail
earshot=$1 bundle=$2 wav=$3
duration=${DURATION:-20s}
concurrency=${CONCURRENCY:-"1 8 64"}
threads=${TORCH_THREADS:-1}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/peer_malloc.sh"
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT

# Starts a server in the background (in this shell, so that the trap
# stops it).
start() {
  local name=$1
  shift
  "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
}

# The URL of a started server, from its first stdout line
# "listening on http://HOST:PORT".
url_of() {
  for _ in $(seq 1 300); do
    if grep -q "^listening on " "$work/$1.out"; then
      sed -n 's/^listening on //p' "$work/$1.out" | head -1
      return
    fi
    sleep 0.1
  done
  echo "$1 did not start:" >&2
  cat "$work/$1.err" >&2
  exit 1
}

# Each keep-alive connection holds one of earshot's HTTP workers: 64 for
# wrk's 64 connections. The peer starts a thread per connection.
start earshot "$earshot" serve "$bundle" --port 0 --threads 64 --compute-threads "$threads" ${EARSHOT_ARGS:-}
start python "${peer_env[@]}" /usr/bin/python3 "$here/pytorch_serve_kws.py" --port 0 --threads "$threads"
earshot_url=$(url_of earshot)
python_url=$(url_of python)
echo "earshot $earshot_url  python $python_url  wrk -t1 -d$duration  torch threads $threads"
for c in $concurrency; do
  for side in earshot python; do
    url=${side}_url
    # A short warm-up, then the measured run.
    WAV=$wav wrk -t1 -c"$c" -d2s --timeout 10s -s "$here/serve_wrk.lua" "${!url}/v1/classify" >/dev/null
    line=$(WAV=$wav wrk -t1 -c"$c" -d"$duration" --timeout 10s -s "$here/serve_wrk.lua" "${!url}/v1/classify" |
           grep '^RESULT')
    echo "c=$c $side ${line#RESULT }"
  done
done
echo "earshot batches: $(curl -s "$earshot_url/metrics" | grep -E '^earshot_batch_size_(sum|count)' | tr '\n' ' ')"
