#!/usr/bin/env bash
# `teachers:` end to end: two teachers routed by env share label half the envs each (the
# teacher_share columns of metrics.csv), the checkpoint holds both and resumes, and bad
# routing exits 2 naming the key.
# Usage: multi_teacher_test.sh TUTOR_BINARY SOURCE_DIR
set -euo pipefail
tutor=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
small=(--threads 1 --set env.num_envs=4 --set runner.num_steps_per_env=3 --set runner.save_interval=0)
"$tutor" train --iterations 1 --log-dir "$work/t0" --seed 1 "${small[@]}" > /dev/null
"$tutor" train --iterations 1 --log-dir "$work/t1" --seed 2 "${small[@]}" > /dev/null
cat > "$work/multi.yaml" <<YAML
base: $src/configs/go1_student.yaml
teachers:
  - {checkpoint: t0/model_latest.pt, envs: [0.0, 0.5]}
  - {checkpoint: t1/model_latest.pt}
runner: {log_dir: $work/mt}
YAML
"$tutor" distill --config "$work/multi.yaml" --iterations 2 "${small[@]}" > "$work/out"
grep -q "teacher_1: .*t1/model_latest.pt on 'teacher'" "$work/out" || { cat "$work/out"; exit 1; }
python3 - "$work/mt/metrics.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 2, rows
for r in rows:  # envs 0, 1 of 4 from teacher 0, envs 2, 3 from teacher 1
    assert float(r["teacher_share/teacher"]) == 0.5, r
    assert float(r["teacher_share/teacher_1"]) == 0.5, r
print("ok: each teacher labelled half of the samples")
PY
# both teachers travel in the checkpoint: it resumes, and its second teacher evaluates
"$tutor" distill --config "$work/multi.yaml" --iterations 3 --resume "$work/mt/model_latest.pt" \
  "${small[@]}" > /dev/null
test "$(($(wc -l < "$work/mt/metrics.csv") - 1))" -eq 3
"$tutor" eval --checkpoint "$work/mt/model_latest.pt" --policy student --episodes 2 > /dev/null
echo "ok: resumed to iteration 3"

expect() {  # expect NEEDLE -- command...: exit 2 with NEEDLE on stderr
  local needle=$1; shift 2
  local rc=0; "$@" > /dev/null 2> "$work/err" || rc=$?
  if [[ $rc -ne 2 ]] || ! grep -qF -- "$needle" "$work/err"; then
    echo "FAILED: $* -> rc $rc, stderr:"; cat "$work/err"; exit 1
  fi
  echo "ok: $(head -c 160 "$work/err")"
}
sed 's/envs: \[0.0, 0.5\]/terrain: [stairs_up]/' "$work/multi.yaml" > "$work/terrain.yaml"
expect "teachers[0].terrain: a terrain rule, but the env has no terrain" -- \
  "$tutor" distill --config "$work/terrain.yaml" --iterations 1 "${small[@]}"
sed 's/^  - {checkpoint: t1\/model_latest.pt}$/  - {checkpoint: t1\/model_latest.pt, envs: [0.75, 1.0]}/' \
  "$work/multi.yaml" > "$work/gap.yaml"
expect "teachers: env 2 (terrain none, command" -- \
  "$tutor" distill --config "$work/gap.yaml" --iterations 1 "${small[@]}"
expect "a domain rule with distillation.teacher_routing: ensemble" -- \
  "$tutor" distill --config "$work/multi.yaml" --iterations 1 "${small[@]}" \
  --set distillation.teacher_routing=ensemble
