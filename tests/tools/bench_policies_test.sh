#!/usr/bin/env bash
# `tutor bench policies` writes every field for every policy (a PPO teacher and a distilled
# student of it, both tiny), and its markdown table names both. Usage: TUTOR_BINARY
set -euo pipefail
tutor=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
small=(--threads 1 --set env.num_envs=8 --set runner.num_steps_per_env=4 --set runner.save_interval=0)
"$tutor" train --iterations 1 --log-dir "$work/teacher" "${small[@]}" > /dev/null
"$tutor" distill --iterations 1 --log-dir "$work/student" --teacher "$work/teacher/model_latest.pt" \
  "${small[@]}" > /dev/null
"$tutor" bench policies --policy "teacher=$work/teacher/model_latest.pt" \
  --policy "student=$work/student/model_latest.pt:student" --episodes 2 --sweep-episodes 1 \
  --sweep-seconds 0.1 --threads 1 --json "$work/bench.json" --markdown "$work/bench.md" 2> /dev/null
/usr/bin/python3 - "$work/bench.json" <<'PY'
import json, math, sys
bench = json.load(open(sys.argv[1]))
fields = ["name", "checkpoint", "policy", "group", "recurrent", "parameters", "checkpoint_bytes",
          "latency_us_libtorch", "latency_us_eigen", "batch_samples_per_s", "nominal", "robustness"]
nominal = ["episodes", "mean_return", "mean_episode_length", "fall_rate", "vx_error", "vy_error",
           "yaw_rate_error", "mean_power_w"]
policies = bench["policies"]
assert [p["name"] for p in policies] == ["teacher", "student"], policies
assert policies[0]["group"] == "teacher" and policies[1]["group"] == "policy"
for p in policies:
    missing = [f for f in fields if f not in p] + [f for f in nominal if f not in p["nominal"]]
    assert not missing, (p["name"], missing)
    assert p["nominal"]["episodes"] == 2
    assert p["parameters"] > 0 and p["checkpoint_bytes"] > 0
    assert p["latency_us_eigen"] > 0 and p["latency_us_libtorch"] > 0
    axes = {r["axis"] for r in p["robustness"]}
    assert axes == {"friction", "added_mass", "push_velocity", "motor_strength", "kp_factor",
                    "kd_factor", "action_latency"}, axes
    assert len(p["robustness"]) == 7 + 7 + 5 + 5 + 3 + 3 + 3
    for r in p["robustness"]:
        assert math.isfinite(r["mean_return"]) and 0 <= r["fall_rate"] <= 1, r
print("bench policies JSON: every field present for", len(policies), "policies")
PY
grep -q "| teacher | teacher |" "$work/bench.md"
grep -q "| student | policy |" "$work/bench.md"
