#!/usr/bin/env bash
# A 5-iteration training run's TensorBoard event file, read back by an independent reader
# (python3-protobuf + python3-crc32c, schema compiled by protoc from learning/tensorboard.proto)
# and compared value by value with metrics.csv. Usage: SCRIPT TUTOR_BINARY SOURCE_DIR
set -euo pipefail
tutor=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$tutor" train --iterations 5 --log-dir "$work/run" --threads 1 --set env.num_envs=8 \
  --set runner.num_steps_per_env=8 --set runner.save_interval=0 > "$work/train.log"
protoc --proto_path="$src/learning" --python_out="$work" "$src/learning/tensorboard.proto"
/usr/bin/python3 "$src/tests/tools/read_tensorboard.py" "$work" "$work/run"
