#!/usr/bin/env bash
# demo.sh: the main job on the shipped defaults, on a fresh machine: set up and build, then
# benchmark the batched env against bare MuJoCo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p runs
./build/tools/tutor bench env --envs 256 --json runs/bench_env.json
