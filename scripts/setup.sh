#!/usr/bin/env bash
# setup.sh: install the Debian packages tutor needs (skipping those present), then configure
# and build build/ in Release. Idempotent: a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config
  libmujoco-dev libtorch-dev libopenblas0-openmp libeigen3-dev libyaml-cpp-dev
  libglfw3-dev libgtest-dev libgmock-dev libgloo-dev
  libcli11-dev nlohmann-json3-dev libprotobuf-dev protobuf-compiler python3-protobuf python3-crc32c
  xvfb xauth libgl1-mesa-dri ffmpeg python3-matplotlib
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Debian's reference BLAS makes LibTorch ~27x slower; prefer OpenBLAS (OpenMP build) when present.
if [[ -e /usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3 ]]; then
  update-alternatives --set libblas.so.3-x86_64-linux-gnu \
    /usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3 >/dev/null 2>&1 || true
fi

[[ "${TUTOR_SETUP_NO_BUILD:-0}" == "1" ]] && exit 0  # packages only (scripts/sanitize.sh)
jobs=${TUTOR_JOBS:-$(nproc)}
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release ${TUTOR_CMAKE_ARGS:-}
cmake --build build -j "$jobs"
