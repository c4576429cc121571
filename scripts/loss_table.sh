#!/usr/bin/env bash
# loss_table.sh: distill the feed-forward student once per loss type (mse, huber, kl, feature)
# with the same budget and seed, evaluate each with `tutor eval` (seed 1000, 64 episodes) and
# print student return / teacher return. Usage: scripts/loss_table.sh [ITERATIONS] [TEACHER]
set -euo pipefail
cd "$(dirname "$0")/.."
iterations=${1:-60}
teacher=${2:-models/go1/teacher.pt}
tutor=./build/tools/tutor
out=runs/loss_table
mkdir -p "$out"
json_value() { /usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$@"; }

$tutor eval --checkpoint "$teacher" --json "$out/teacher.json" > /dev/null
teacher_return=$(json_value "$out/teacher.json" mean_return)
echo "| loss | student return | teacher return | ratio | falls | vx err | yaw err | distill s |"
echo "|---|---|---|---|---|---|---|---|"
for loss in mse huber kl feature; do
  start=$(date +%s.%N)
  $tutor distill --config configs/go1_student.yaml --teacher "$teacher" --seed 1 \
    --iterations "$iterations" --log-dir "$out/$loss" --set distillation.loss=$loss > "$out/$loss.log"
  end=$(date +%s.%N)
  $tutor eval --checkpoint "$out/$loss/model_latest.pt" --json "$out/$loss.json" > /dev/null
  /usr/bin/python3 - "$out/$loss.json" "$teacher_return" "$loss" "$start" "$end" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); t = float(sys.argv[2])
print(f"| {sys.argv[3]} | {r['mean_return']:.2f} | {t:.2f} | {r['mean_return'] / t:.3f} | "
      f"{100 * r['fall_rate']:.1f} % | {r['vx_error']:.3f} | {r['yaw_rate_error']:.3f} | "
      f"{float(sys.argv[5]) - float(sys.argv[4]):.0f} |")
PY
done
