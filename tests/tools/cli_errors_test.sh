#!/usr/bin/env bash
# Bad input exits 2 with one line naming the problem: a teacher whose observation layout
# differs from the env's (the differing term is named), a missing teacher checkpoint, a
# malformed --set value, an unknown flag. Usage: cli_errors_test.sh TUTOR_BINARY
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
expect 2 "unknown flag --iteration" -- "$tutor" train --iteration 3
expect 2 "env.rewards.scales.feet_airtime: expected a known reward term" -- \
  "$tutor" train --set env.rewards.scales.feet_airtime=1
exit $fail
