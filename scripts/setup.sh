#!/usr/bin/env bash
# Installs what earshot needs from Debian, only what is missing; quiet when
# nothing is left to do. Run as root on Debian 12.
#   scripts/setup.sh          build, test and demo dependencies
#   scripts/setup.sh --python also the Python packages the golden-data
#                             generator and the comparison benchmarks use
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config git ccache
  libtorch-dev libopenblas0 libgloo-dev libxnnpack-dev libpthreadpool-dev
  libsndfile1-dev libsoxr-dev libfftw3-dev
  libcli11-dev nlohmann-json3-dev libtomlplusplus-dev
  libgtest-dev libbenchmark-dev
  libplplot-dev plplot-driver-cairo
  zlib1g-dev libssl-dev libzip-dev
  libcpp-httplib-dev libasound2-dev
  espeak-ng libespeak-ng-dev fluidsynth libfluidsynth-dev fluid-soundfont-gm
  chromium
  unzip
)
if [[ "${1:-}" == "--python" ]]; then
  packages+=(python3-torch python3-torchaudio python3-scipy python3-numpy)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
if (( ${#missing[@]} )); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
