#!/usr/bin/env bash
# Data-parallel benchmark (issue: scale-out): the shipped teacher (configs/go1_teacher.yaml,
# 512 envs x 24 steps) and student (configs/go1_student.yaml, 1024 envs) for ITER iterations as
# 1 process x 2 threads and as 2 processes x 1 thread (the same envs in all), then per run the
# median steps/s over iterations 2..ITER and, for 2 ranks, the share of rank 0's time in
# collectives and the seconds per collective. Usage: scripts/scale_bench.sh [ITER] [OUT_DIR]
set -euo pipefail
iters=${1:-6}
out=${2:-runs/scale}
tutor=${TUTOR:-./build/tools/tutor}
mkdir -p "$out"
common=(--iterations "$iters" --set runner.save_interval=0)
"$tutor" train "${common[@]}" --threads 2 --log-dir "$out/teacher_1x2" > "$out/teacher_1x2.txt"
"$tutor" train "${common[@]}" --set env.num_envs=256 --nproc 2 --log-dir "$out/teacher_2x1" > "$out/teacher_2x1.txt"
"$tutor" distill "${common[@]}" --threads 2 --log-dir "$out/student_1x2" > "$out/student_1x2.txt"
"$tutor" distill "${common[@]}" --set env.num_envs=512 --nproc 2 --log-dir "$out/student_2x1" > "$out/student_2x1.txt"
/usr/bin/python3 - "$out" <<'PY'
import csv, statistics, sys
out = sys.argv[1]
print("| run | steps/s (median, it. 2..) | collect s | learn s | collectives / it. | MB / it. | time in collectives | s per collective |")
print("|---|---|---|---|---|---|---|---|")
for name in ["teacher_1x2", "teacher_2x1", "student_1x2", "student_2x1"]:
    rows = list(csv.DictReader(open(f"{out}/{name}/metrics.csv")))[1:]
    med = lambda k: statistics.median(float(r[k]) for r in rows)
    line = f"| {name} | {med('steps_per_s'):.0f} | {med('collect_s'):.2f} | {med('learn_s'):.2f} |"
    if "collective_s" in rows[0]:
        share = statistics.median(float(r["collective_s"]) / (float(r["collect_s"]) + float(r["learn_s"])) for r in rows)
        per = statistics.median(float(r["collective_s"]) / float(r["collectives"]) for r in rows)
        line += f" {med('collectives'):.0f} | {med('collective_mb'):.2f} | {100 * share:.1f} % | {1e3 * per:.2f} ms |"
    else:
        line += " - | - | - | - |"
    print(line)
PY
