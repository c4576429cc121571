#!/usr/bin/env bash
# tutor train --init: a flat checkpoint warm-started onto the rough teacher's observation set
# (187 height_scan columns added to actor and critic) and saved before any update
# (--iterations 0) acts as the checkpoint did: the terrain benchmark on rough ground, where the
# scan is not constant, gives the same numbers for both. So does a distilled LSTM student made the
# actor of a recurrent PPO run (--init-critic: another run's critic), which then trains an
# iteration; another activation is refused. A dropped term and --init with --resume
# exit 2 naming the problem, and so does bench policies when a later policy's group is not in
# the first one's env, before it evaluates any. Usage: SCRIPT TUTOR_BINARY SOURCE_DIR
set -uo pipefail
tutor=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
small=(--threads 1 --set env.num_envs=8 --set runner.num_steps_per_env=4)
"$tutor" train --iterations 2 --log-dir "$work/flat" "${small[@]}" > "$work/flat.log" 2>&1 \
  || { echo "FAILED: flat run"; cat "$work/flat.log"; exit 1; }
"$tutor" train --config "$src/configs/go1_rough_teacher.yaml" --init "$work/flat/model_latest.pt" \
  --iterations 0 --log-dir "$work/rough" "${small[@]}" > "$work/rough.log" 2>&1 \
  || { echo "FAILED: warm start"; cat "$work/rough.log"; exit 1; }
grep "warm start" "$work/rough.log"
grep -q "actor 'teacher' (72) -> 'teacher' (259), 187 new columns zero" "$work/rough.log" \
  || { echo "FAILED: the log line"; exit 1; }
# same_rollouts A B WHAT: the terrain benchmark on rough ground gives the same numbers for the
# checkpoints of runs A and B
same_rollouts() {
  for run in "$1" "$2"; do
    "$tutor" eval --checkpoint "$work/$run/model_latest.pt" --terrain rough --levels 5 --episodes 2 \
      --threads 1 --json "$work/$run.json" > /dev/null 2>&1 || { echo "FAILED: eval $run"; return 1; }
  done
  /usr/bin/python3 - "$work/$1.json" "$work/$2.json" "$3" <<'PY'
import json, sys
a, b = (json.load(open(p))["terrain"][0]["result"] for p in sys.argv[1:3])
for key in ("mean_return", "mean_episode_length", "vx_error", "mean_power_w"):
    if a[key] != b[key]:
        sys.exit(f"FAILED: {key} {a[key]} != {b[key]} ({sys.argv[3]})")
print(f"same rollouts ({sys.argv[3]}): return {a['mean_return']:.6f}, vx err {a['vx_error']:.6f}")
PY
}
same_rollouts flat rough "checkpoint vs warm start" || exit 1
# a distilled LSTM student as a recurrent PPO actor, the flat run's critic as its critic: saved
# before any update it acts as the student did; a recurrent PPO iteration then runs; an actor
# of another activation is refused, naming both
rl=(--set "policy.actor_hidden=[128, 64]" --set policy.actor_memory=lstm
    --set policy.actor_memory_size=128 --set ppo.symmetry_augmentation=false
    --set runner.observation_sets.actor=policy)
"$tutor" distill --config "$src/configs/go1_student_lstm.yaml" --teacher "$work/flat/model_latest.pt" \
  --iterations 1 --log-dir "$work/student" "${small[@]}" > "$work/student.log" 2>&1 \
  || { echo "FAILED: distill"; cat "$work/student.log"; exit 1; }
"$tutor" train --init "$work/student/model_latest.pt" --init-critic "$work/flat/model_latest.pt" \
  --iterations 0 --log-dir "$work/rl0" "${small[@]}" "${rl[@]}" > "$work/rl0.log" 2>&1 \
  || { echo "FAILED: a student as the actor"; cat "$work/rl0.log"; exit 1; }
grep "warm start" "$work/rl0.log"
grep -q "actor 'policy' (47) -> 'policy' (47), 0 new columns zero; critic from .*critic 'critic'" \
  "$work/rl0.log" || { echo "FAILED: the student's log line"; exit 1; }
same_rollouts student rl0 "student vs recurrent PPO actor" || exit 1
"$tutor" train --init "$work/student/model_latest.pt" --init-critic "$work/flat/model_latest.pt" \
  --iterations 1 --log-dir "$work/rl1" "${small[@]}" "${rl[@]}" > "$work/rl1.log" 2>&1 \
  && grep -q "done at iteration 1" "$work/rl1.log" \
  || { echo "FAILED: a recurrent PPO iteration"; cat "$work/rl1.log"; exit 1; }
"$tutor" train --init "$work/student/model_latest.pt" --iterations 0 --log-dir "$work/relu" \
  "${small[@]}" "${rl[@]}" --set policy.activation=relu > "$work/relu.log" 2>&1
rc=$?
(( rc == 2 )) && grep -q "the checkpoint's actor uses activation elu, the run's relu" "$work/relu.log" \
  || { echo "FAILED: another activation gave rc $rc"; cat "$work/relu.log"; exit 1; }
# a term of the checkpoint's groups missing from the run's: exit 2, the term named
"$tutor" train --init "$work/flat/model_latest.pt" --iterations 0 --log-dir "$work/bad" "${small[@]}" \
  --set 'env.observations.groups.teacher=[base_ang_vel, projected_gravity, velocity_command, joint_pos, joint_vel, last_action, gait_phase]' \
  > "$work/bad.log" 2>&1
rc=$?
(( rc == 2 )) && grep -q "term 'base_lin_vel'" "$work/bad.log" \
  || { echo "FAILED: a dropped term gave rc $rc"; cat "$work/bad.log"; exit 1; }
"$tutor" train --init "$work/flat/model_latest.pt" --resume "$work/flat" "${small[@]}" > "$work/both.log" 2>&1
rc=$?
(( rc == 2 )) && grep -q "exclude each other" "$work/both.log" \
  || { echo "FAILED: --init with --resume gave rc $rc"; cat "$work/both.log"; exit 1; }
# bench policies in the env of the flat checkpoint's config: the rough one's group differs, found
# before any evaluation (no nominal episodes run), exit 2 naming the order to use
"$tutor" bench policies --policy "flat=$work/flat/model_latest.pt" --policy "rough=$work/rough/model_latest.pt" \
  --no-robustness --episodes 2 --threads 1 > "$work/order.log" 2>&1
rc=$?
(( rc == 2 )) && grep -q "list first, or name with --env, a policy whose config holds every group" "$work/order.log" \
  && ! grep -q "flat: latency" "$work/order.log" \
  || { echo "FAILED: bench policies with mismatched groups gave rc $rc"; cat "$work/order.log"; exit 1; }
echo "errors: a dropped term, --init with --resume and bench policies' mismatched groups exit 2"
