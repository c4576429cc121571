#!/usr/bin/env bash
# demo.sh: the main job on the shipped defaults, on a fresh machine.
#   1. set up and build;
#   2. benchmark the batched env against bare MuJoCo;
#   3. evaluate the shipped teacher;
#   4. distill a feed-forward student from it (configs/go1_student.yaml) and evaluate it;
#   5. benchmark teacher vs the shipped students (tables, robustness sweep, plots) and record
#      a video of the new student.
# TRAIN_TEACHER=1 first trains a teacher from scratch (configs/go1_teacher.yaml, ~14 min on
# 2 cores) and distills from that one instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
tutor=./build/tools/tutor
out=runs/demo
mkdir -p "$out"

$tutor bench env --envs 256 --json "$out/bench_env.json"

teacher=models/go1/teacher.pt
if [[ "${TRAIN_TEACHER:-0}" == "1" ]]; then
  $tutor train --config configs/go1_teacher.yaml --log-dir "$out/teacher"
  /usr/bin/python3 scripts/plot_metrics.py "$out/teacher/metrics.csv" "$out/teacher_curve.png"
  teacher="$out/teacher/model_latest.pt"
fi
$tutor eval --checkpoint "$teacher" --json "$out/eval_teacher.json"

$tutor distill --config configs/go1_student.yaml --teacher "$teacher" --log-dir "$out/student"
$tutor eval --checkpoint "$out/student/model_latest.pt" --policy student --json "$out/eval_student.json"

$tutor bench policies --policy "teacher=$teacher" \
  --policy "student=$out/student/model_latest.pt:student" \
  --policy "shipped_mlp=models/go1/student_mlp.pt:student" \
  --policy "shipped_lstm=models/go1/student_lstm.pt:student" \
  --json "$out/bench_policies.json" --markdown "$out/bench_policies.md" --plots "$out"
xvfb-run -a $tutor play --checkpoint "$out/student/model_latest.pt" --record "$out/student.mp4" \
  --seconds 10 --command 0.8,0,0.3
echo "demo: results in $out/"
