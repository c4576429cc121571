#!/usr/bin/env bash
# The fast-teacher ablation: time to gait (scripts/time_to_gait.sh) of the shipped teacher recipe
# with one lever left out at a time, per seed, capped at twice the bar: 12 M env steps or the
# first gait check past 960 s of training (the bar: 6 M steps, 8 min); a run that hits either
# shows as "> cap". Prints one markdown row per lever and
# seed, in env steps and training wall seconds. A benchmark, not a test: every row is a training
# run (up to ~17 min each on 2 cores).
#
#   scripts/ablation.sh [--cap-steps N] [--cap-wall S] [--levers a,b,...] [--set key=value ...] SEED...
#
# --set: written over the recipe in every row (e.g. an earlier recipe's value), before the lever's.
# Levers (each row's overrides leave that lever out of configs/go1_teacher.yaml):
#   recipe          nothing left out (the baseline row)
#   no_mirror       no mirror augmentation              ppo.symmetry_augmentation=false
#   no_gait_clock   no clock observation, no gait reward
#   adaptive_lr     the KL-adaptive rate instead of the linear schedule
#   envs_1024       1024 envs x 24 steps instead of 512 x 24 (half the updates per sample)
#   dt_0.005        0.005 s physics (4 substeps) instead of 0.004 s (5)
#   dt_0.004        0.004 s physics: a no-op since it is the recipe's (the previous recipe's rows)
#   push_5_10       pushes every 5-10 s instead of 2.5-5 s (its gait checks push as rarely)
# Logs go to runs/time_to_gait/ablate_<lever>/ (TUTOR_TTG_DIR overrides the root).
set -euo pipefail
cd "$(dirname "$0")/.."
cap_steps=12000000
cap_wall=960
levers=recipe,no_mirror,no_gait_clock,dt_0.005,envs_1024,adaptive_lr,push_5_10
base_sets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cap-steps) cap_steps="$2"; shift 2 ;;
    --cap-wall) cap_wall="$2"; shift 2 ;;
    --levers) levers="$2"; shift 2 ;;
    --set) base_sets+=(--set "$2"); shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "ablation.sh: unknown flag '$1'" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [[ $# -eq 0 ]]; then echo "usage: scripts/ablation.sh [--cap-steps N] [--levers a,b] SEED..." >&2; exit 2; fi
steps_per_env=24
no_clock_policy='[base_ang_vel,projected_gravity,velocity_command,joint_pos,joint_vel,last_action]'
no_clock_teacher='[base_ang_vel,projected_gravity,velocity_command,joint_pos,joint_vel,last_action,base_lin_vel,foot_contact_forces,foot_heights,friction,added_mass,motor_strength]'
echo "| left out | seed | iterations | env steps | wall s |"
echo "|---|---|---|---|---|"
IFS=, read -ra names <<< "$levers"
for lever in "${names[@]}"; do
  envs=512
  sets=()
  case "$lever" in
    recipe) ;;
    no_mirror) sets=(--set ppo.symmetry_augmentation=false) ;;
    no_gait_clock) sets=(--set env.rewards.scales.gait=0
                         --set "env.observations.groups.policy=$no_clock_policy"
                         --set "env.observations.groups.teacher=$no_clock_teacher") ;;
    adaptive_lr) sets=(--set ppo.schedule=adaptive) ;;
    envs_1024) envs=1024; sets=(--set env.num_envs=1024) ;;
    dt_0.005) sets=(--set env.physics.timestep=0.005) ;;
    dt_0.004) sets=(--set env.physics.timestep=0.004) ;;
    push_5_10) sets=(--set 'env.randomization.push_interval_s=[5.0,10.0]') ;;
    *) echo "ablation.sh: unknown lever '$lever'" >&2; exit 2 ;;
  esac
  cap=$(( (cap_steps + envs * steps_per_env - 1) / (envs * steps_per_env) ))
  out=$(scripts/time_to_gait.sh --cap "$cap" --cap-wall "$cap_wall" --name "ablate_$lever" \
        ${base_sets[@]+"${base_sets[@]}"} ${sets[@]+"${sets[@]}"} "$@")
  # seed S: gait at iteration I, N env steps, W s training
  # seed S: no gait by the cap (> I iterations, > N env steps, > W s)
  echo "$out" | sed -nE \
    -e "s/^seed ([0-9]+): gait at iteration ([0-9]+), ([0-9]+) env steps, ([0-9.]+) s training$/| $lever | \1 | \2 | \3 | \4 |/p" \
    -e "s/^seed ([0-9]+): no gait by the cap \(> ([0-9]+) iterations, > ([0-9]+) env steps, > ([0-9.]+) s\)$/| $lever | \1 | > \2 (cap) | > \3 | > \4 |/p"
done
