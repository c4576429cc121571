#!/usr/bin/env bash
# Bad input exits 2 with one line naming the problem: a teacher whose observation layout
# differs from the env's (the differing term is named), a missing teacher checkpoint, a
# malformed --set value, an unknown flag, config keys that are renamed, ignored or
# inconsistent. Also: eval runs its env on the threads it is given, with the same numbers.
# Usage: cli_errors_test.sh TUTOR_BINARY
set -uo pipefail
tutor=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
expect() {  # expect EXIT_CODE NEEDLE -- command...
  local code=$1 needle=$2; shift 3
  "$@" > "$work/out" 2> "$work/err"; local rc=$?
  if [[ $rc -ne $code ]] || ! grep -qF -- "$needle" "$work/err"; then
    echo "FAILED: $* -> rc $rc (want $code), stderr:"; cat "$work/err"; fail=1
  else
    echo "ok: rc $rc, $(head -c 160 "$work/err" | tr '\n' ' ')"
  fi
}
small=(--threads 1 --set env.num_envs=4 --set runner.num_steps_per_env=2 --set runner.save_interval=0)
# a teacher trained with joint velocities scaled by 0.1 instead of the env's 0.05
"$tutor" train --iterations 1 --log-dir "$work/teacher" "${small[@]}" \
  --set env.observations.terms.joint_vel.scale=0.1 > /dev/null
expect 2 "joint_vel scale 0.1 vs 0.05" -- \
  "$tutor" distill --iterations 1 --log-dir "$work/student" --teacher "$work/teacher/model_latest.pt" "${small[@]}"
expect 2 "/nonexistent/teacher.pt: checkpoint not found" -- \
  "$tutor" distill --teacher /nonexistent/teacher.pt "${small[@]}"
expect 2 "ppo.clip_param: expected a number in" -- "$tutor" train --set ppo.clip_param=abc
expect 2 "train: The following arguments were not expected: 3 --iteration" -- "$tutor" train --iteration 3
expect 2 "env.rewards.scales.feet_airtime: expected a known reward term" -- \
  "$tutor" train --set env.rewards.scales.feet_airtime=1
t="$work/teacher/model_latest.pt"
expect 2 'runner.actor_group: expected `observation_sets` instead' -- \
  "$tutor" train --set runner.actor_group=policy
expect 2 "runner.observation_sets.student: no such role here (expected actor, critic)" -- \
  "$tutor" train --set runner.observation_sets.student=policy
expect 2 'ppo: `tutor distill` does not use this section' -- \
  "$tutor" distill --teacher "$t" --set ppo.gamma=0.9
expect 2 "ppo.min_learning_rate (0.100000) must not exceed ppo.max_learning_rate" -- \
  "$tutor" train --set ppo.min_learning_rate=0.1 --set ppo.max_learning_rate=0.01
expect 2 "ppo.num_mini_batches: 100 mini-batches from 8 transitions" -- \
  "$tutor" train "${small[@]}" --set ppo.num_mini_batches=100
expect 2 "runner.observation_sets.teacher: 'policy', but the teacher in" -- \
  "$tutor" distill --teacher "$t" "${small[@]}" --set runner.observation_sets.teacher=policy
expect 2 "distillation.loss: expected mse, huber, kl or feature, got 'l1'" -- \
  "$tutor" distill --teacher "$t" --set distillation.loss=l1

# behaviour cloning inside PPO: the weight without a teacher, a teacher of another layout; a
# matching one trains and logs the term
expect 2 "ppo.bc_coef: 0.500000 needs the teacher it clones (ppo.bc_teacher: a checkpoint)" -- \
  "$tutor" train --set ppo.bc_coef=0.5
expect 2 "joint_vel scale 0.1 vs 0.05" -- \
  "$tutor" train --iterations 1 --log-dir "$work/bc" "${small[@]}" --set ppo.bc_teacher="$t" --set ppo.bc_coef=1
"$tutor" train --iterations 1 --log-dir "$work/plain" "${small[@]}" > /dev/null
if "$tutor" train --iterations 2 --log-dir "$work/bc" "${small[@]}" --set ppo.bc_coef=1 \
     --set ppo.bc_teacher="$work/plain/model_latest.pt" > "$work/bc.txt" 2>&1 &&
   grep -q "behaviour cloning towards .*plain/model_latest.pt (its actor on 'teacher'), weight 1" "$work/bc.txt" &&
   head -1 "$work/bc/metrics.csv" | grep -q "bc_loss,bc_coef" &&
   [[ $(tail -1 "$work/bc/metrics.csv" | awk -F, -v c="$(head -1 "$work/bc/metrics.csv" | tr ',' '\n' | grep -n '^bc_coef$' | cut -d: -f1)" '{print $c}') == 1 ]]; then
  echo "ok: train with ppo.bc_teacher logs bc_loss and bc_coef"
else
  echo "FAILED: train with ppo.bc_teacher:"; cat "$work/bc.txt"; head -1 "$work/bc/metrics.csv"; fail=1
fi

# eval: --threads reaches the env, and the numbers do not depend on it
for n in 1 2; do
  "$tutor" eval --checkpoint "$t" --episodes 4 --threads $n --json "$work/eval$n.json" \
    > "$work/eval$n.txt" 2>&1 || { echo "FAILED: eval --threads $n"; fail=1; }
  grep -q ", $n env threads" "$work/eval$n.txt" || { echo "FAILED: eval --threads $n:"; cat "$work/eval$n.txt"; fail=1; }
done
cmp -s "$work/eval1.json" "$work/eval2.json" || { echo "FAILED: eval differs between 1 and 2 threads"; fail=1; }
[[ $fail -eq 0 ]] && echo "ok: eval on 1 and 2 env threads, identical results"

# --help prints the flags and exits 0; an unknown flag exits 2 naming it
for cmd in train distill eval export bench "bench env" "bench policies"; do
  $tutor $cmd --help > "$work/help" 2>&1; rc=$?
  if [[ $rc -ne 0 ]] || ! grep -q -- "--" "$work/help"; then
    echo "FAILED: tutor $cmd --help -> rc $rc"; cat "$work/help"; fail=1
  fi
done
[[ $fail -eq 0 ]] && echo "ok: --help exits 0 for every command"
expect 2 "train: The following argument was not expected: --bogus" -- "$tutor" train --bogus
expect 2 "eval: --checkpoint is required" -- "$tutor" eval
expect 2 "bench: expected env or policies, got 'foo'" -- "$tutor" bench foo
expect 2 "eval: --episodes: Value 0 not in range 1 to 1073741824" -- "$tutor" eval --checkpoint "$t" --episodes 0

# every JSON tutor writes parses (nlohmann-json escapes names and paths)
mkdir -p "$work/we\"ird"
"$tutor" eval --checkpoint "$t" --episodes 2 --json "$work/we\"ird/e.json" > /dev/null \
  && "$tutor" bench env --envs 4 --steps 5 --threads 1 --repeats 1 --json "$work/env.json" > /dev/null \
  || { echo "FAILED: eval/bench env --json"; fail=1; }
for f in "$work/we\"ird/e.json" "$work/env.json"; do
  /usr/bin/python3 -m json.tool "$f" > /dev/null || { echo "FAILED: $f is not JSON"; fail=1; }
done
[[ $fail -eq 0 ]] && echo "ok: eval and bench env JSON parse"
exit $fail
