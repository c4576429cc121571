#!/usr/bin/env bash
# `tutor bench policies` writes every field for every policy (a PPO teacher and a distilled
# student of it, both tiny), and its markdown table names both; the terrain benchmark (eval and
# bench policies) gives one cell per type and level with the level's size, and on long patches
# (--terrain-long) every episode that does not fall lasts the whole episode. Usage: TUTOR_BINARY
# SOURCE_DIR
set -euo pipefail
tutor=$1 src=$2
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
# the terrain benchmark: one cell per (type, level), each of the asked episodes, the level's
# size as the geometry's defaults give it by hand (risers 0.05 + 0.15 * l / 9 m, slopes 30 * l / 9
# degrees), rates within [0, 1]; the same cells in bench policies' markdown
"$tutor" eval --checkpoint "$work/teacher/model_latest.pt" --terrain stairs_up,slope_down \
  --levels 0,3,9 --episodes 2 --threads 1 --json "$work/terrain.json" 2> /dev/null > "$work/terrain.txt"
/usr/bin/python3 - "$work/terrain.json" <<'PY'
import json, sys
cells = json.load(open(sys.argv[1]))["terrain"]
got = [(c["type"], c["level"]) for c in cells]
assert got == [("slope_down", 0), ("slope_down", 3), ("slope_down", 9),
               ("stairs_up", 0), ("stairs_up", 3), ("stairs_up", 9)], got
size = {("stairs_up", l): 0.05 + 0.15 * l / 9 for l in (0, 3, 9)}
size.update({("slope_down", l): 30.0 * l / 9 for l in (0, 3, 9)})
for c in cells:
    assert abs(c["size"] - size[(c["type"], c["level"])]) < 1e-9, c
    assert c["result"]["episodes"] == 2, c
    assert 0 <= c["success_rate"] <= 1 and c["mean_distance_m"] >= 0, c
    # a success needs no fall: the success rate cannot exceed the share that did not fall
    assert c["success_rate"] <= 1 - c["result"]["fall_rate"] + 1e-9, c
print("terrain benchmark JSON: 6 cells with their sizes")
PY
grep -q "| stairs_up | 9 | 0.2 riser m |" "$work/terrain.txt"
# --terrain-long: the shipped rough teacher walks off a trained 8 m patch's flat centre in about
# 6.5 s (3.5 m to the border at 0.6 m/s), so its flat episodes end before the 10 s; on the long
# patches (2 x (0.5 + 1.25 x 0.6 x 10) = 16 m) every one that does not fall lasts all 500 steps
for long in "" --terrain-long; do
  "$tutor" eval --checkpoint "$src/models/go1/rough_teacher.pt" --terrain flat --episodes 4 \
    --threads 1 $long --json "$work/flat$long.json" 2> /dev/null > "$work/flat$long.txt" \
    || { echo "FAILED: eval --terrain flat $long"; exit 1; }
done
grep -q "on fixed long patches" "$work/flat--terrain-long.txt" || { echo "FAILED: long header"; exit 1; }
/usr/bin/python3 - "$work/flat.json" "$work/flat--terrain-long.json" <<'PY'
import json, sys
short, long = (json.load(open(p))["terrain"][0]["result"] for p in sys.argv[1:])
assert short["fall_rate"] == 0 and long["fall_rate"] == 0, (short, long)
assert 250 < short["mean_episode_length"] < 400, short
assert long["mean_episode_length"] == 500, long
print(f"flat episodes: {short['mean_episode_length']} steps on the trained patches, 500 on long ones")
PY
"$tutor" bench policies --policy "teacher=$work/teacher/model_latest.pt" --episodes 2 \
  --no-robustness --terrain flat --levels 0 --terrain-episodes 2 --threads 1 \
  --markdown "$work/bench_terrain.md" 2> /dev/null > /dev/null
grep -q "| flat | 0 | - | " "$work/bench_terrain.md"
if grep -q "| friction |" "$work/bench_terrain.md"; then echo "--no-robustness still swept"; exit 1; fi
# --set reaches the shared env: 0.1 s episodes at a 0.02 s policy step are 5 steps long; a key
# the config does not have is an error naming it (exit 2), before any evaluation
"$tutor" bench policies --policy "teacher=$work/teacher/model_latest.pt" --episodes 2 \
  --no-robustness --threads 1 --set env.termination.episode_length_s=0.1 \
  --json "$work/bench_set.json" 2> /dev/null > /dev/null
/usr/bin/python3 -c "
import json, sys
n = json.load(open(sys.argv[1]))['policies'][0]['nominal']
assert n['mean_episode_length'] == 5, n
" "$work/bench_set.json"
set +e
"$tutor" bench policies --policy "teacher=$work/teacher/model_latest.pt" --episodes 2 \
  --no-robustness --threads 1 --set env.bogus_key=1 > /dev/null 2> "$work/set_err.txt"
rc=$?
set -e
[[ $rc -eq 2 ]] || { echo "bench policies --set env.bogus_key: exit $rc, expected 2"; exit 1; }
grep -q "bogus_key" "$work/set_err.txt" || { cat "$work/set_err.txt"; exit 1; }
echo "bench policies --set: applied to the shared env, unknown keys rejected"
# --env: the shared env from another checkpoint's stored config. A student benched alone in the
# teacher's env gives the figures it gives listed after the teacher (a policy's cells do not
# depend on the others benched beside it); a teacher stored with 0.1 s episodes (5 steps) as
# --env makes the student's episodes 5 steps long; a missing --env file is an error naming it
"$tutor" bench policies --policy "student=$work/student/model_latest.pt:student" \
  --env "$work/teacher/model_latest.pt" --episodes 2 --sweep-episodes 1 --sweep-seconds 0.1 \
  --threads 1 --json "$work/bench_env.json" 2> /dev/null > /dev/null
"$tutor" train --iterations 1 --log-dir "$work/short" "${small[@]}" \
  --set env.termination.episode_length_s=0.1 > /dev/null
"$tutor" bench policies --policy "student=$work/student/model_latest.pt:student" \
  --env "$work/short/model_latest.pt" --episodes 2 --no-robustness --threads 1 \
  --json "$work/bench_short.json" 2> /dev/null > /dev/null
/usr/bin/python3 - "$work/bench.json" "$work/bench_env.json" "$work/bench_short.json" \
  "$work/teacher/model_latest.pt" <<'PY'
import json, sys
both, alone, short = (json.load(open(p)) for p in sys.argv[1:4])
assert alone["env"] == sys.argv[4] and both["env"].endswith("teacher/model_latest.pt"), alone["env"]
a, b = alone["policies"][0], both["policies"][1]
assert a["name"] == b["name"] == "student"
assert a["nominal"] == b["nominal"], (a["nominal"], b["nominal"])
assert a["robustness"] == b["robustness"]
n = short["policies"][0]["nominal"]
assert n["mean_episode_length"] == 5, n
print("bench policies --env: same figures alone as beside the teacher; the env's episode length")
PY
set +e
"$tutor" bench policies --policy "student=$work/student/model_latest.pt:student" \
  --env "$work/no_such.pt" --episodes 2 --no-robustness --threads 1 > /dev/null 2> "$work/env_err.txt"
rc=$?
set -e
[[ $rc -ne 0 && $rc -lt 128 ]] || { echo "bench policies --env missing: exit $rc"; exit 1; }
grep -q "no_such.pt" "$work/env_err.txt" || { cat "$work/env_err.txt"; exit 1; }
