#!/usr/bin/env bash
# Time to gait: trains the shipped teacher config from scratch, once per seed, until the first
# checkpoint (every 10 iterations) that walks by `tutor eval`'s criteria on its 64-episode
# command grid (falls <= 5 %, |vx err| <= 0.25 m/s, |yaw err| <= 0.3 rad/s, non-foot ground
# contact <= 1 % of steps, mean foot air time >= 0.15 s); prints per seed the iteration, env
# steps and training wall seconds (collection + learning; the evals are not counted), then the
# median and the max. A benchmark, not a test: each seed is a full training run.
#
#   scripts/time_to_gait.sh [--cap N] [--cap-wall S] [--config FILE] [--nproc N] [--set key=value ...] SEED...
#
# --nproc: train with N local ranks (`tutor train --nproc N`); env.num_envs is per rank, so pass
#          --set env.num_envs=<the config's num_envs / N> for the same envs as one process.
# --cap: iterations after which a seed counts as not walking ("> cap"; default 600).
# --cap-wall: also stop a seed, as not walking, at the first gait check past S seconds of training.
# Logs and checkpoints go to runs/time_to_gait/<name>/seed_<s> (TUTOR_TTG_DIR overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
cap=600
cap_wall=0
config=configs/go1_teacher.yaml
name=default
sets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cap) cap="$2"; shift 2 ;;
    --cap-wall) cap_wall="$2"; shift 2 ;;
    --config) config="$2"; shift 2 ;;
    --name) name="$2"; shift 2 ;;
    --set) sets+=(--set "$2"); shift 2 ;;
    --nproc) sets+=(--nproc "$2"); shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "time_to_gait.sh: unknown flag '$1'" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [[ $# -eq 0 ]]; then echo "usage: scripts/time_to_gait.sh [--cap N] SEED..." >&2; exit 2; fi
tutor=${TUTOR:-./build/tools/tutor}
[[ -x "$tutor" ]] || { echo "time_to_gait.sh: $tutor not built (bash scripts/setup.sh)" >&2; exit 2; }
root=${TUTOR_TTG_DIR:-runs/time_to_gait}/$name
mkdir -p "$root"
results=()
for seed in "$@"; do
  dir="$root/seed_$seed"
  rm -rf "$dir"
  "$tutor" train --config "$config" ${sets[@]+"${sets[@]}"} --seed "$seed" --iterations "$cap" \
    --gait-check 10 --stop-at-gait --log-dir "$dir" > "$dir.log" 2>&1 &
  pid=$!
  walled=""
  if [[ "$cap_wall" != 0 ]]; then
    # gait check at iteration I (N env steps, W s training; ...): not yet: ...
    while kill -0 "$pid" 2>/dev/null; do
      sleep 2
      last=$(grep -E '^gait check at iteration [0-9]+ \(' "$dir.log" | tail -1 || true)
      [[ -n "$last" && "$last" != *WALKS* ]] || continue
      read -r it steps wall < <(echo "$last" | sed -E 's/^gait check at iteration ([0-9]+) \(([0-9]+) env steps, ([0-9.]+) s training.*/\1 \2 \3/')
      if python3 -c "import sys; sys.exit(0 if float('$wall') > float('$cap_wall') else 1)"; then
        kill "$pid" 2>/dev/null || true
        walled="gait not reached by iteration $it ($steps env steps, $wall s of training): past --cap-wall $cap_wall s"
        break
      fi
    done
  fi
  if ! wait "$pid" && [[ -z "$walled" ]]; then
    echo "time_to_gait.sh: seed $seed failed (see $dir.log)" >&2; tail -3 "$dir.log" >&2; exit 1
  fi
  [[ -z "$walled" ]] || echo "$walled" >> "$dir.log"
  line=$(grep -E '^gait (reached|not reached)' "$dir.log" | tail -1)
  if [[ "$line" == "gait reached"* ]]; then
    # gait reached at iteration I: S env steps, W s of training
    read -r it steps wall < <(echo "$line" | sed -E 's/gait reached at iteration ([0-9]+): ([0-9]+) env steps, ([0-9.]+) s.*/\1 \2 \3/')
    printf 'seed %s: gait at iteration %s, %s env steps, %s s training\n' "$seed" "$it" "$steps" "$wall"
    results+=("$seed 1 $it $steps $wall")
  else
    read -r it steps wall < <(echo "$line" | sed -E 's/gait not reached by iteration ([0-9]+) \(([0-9]+) env steps, ([0-9.]+) s.*/\1 \2 \3/')
    printf 'seed %s: no gait by the cap (> %s iterations, > %s env steps, > %s s)\n' "$seed" "$it" "$steps" "$wall"
    results+=("$seed 0 $it $steps $wall")
  fi
done
# median and max over seeds; a seed without a gait counts as "> cap" and wins the max
printf '%s\n' "${results[@]}" | python3 -c '
import sys, statistics
rows = [l.split() for l in sys.stdin if l.strip()]
def fmt(rows, k, unit):
    vals = sorted((float(r[k]), r[1] == "1") for r in rows)
    med = statistics.median([v for v, _ in vals])
    mx, ok = vals[-1]
    hit = [v for v, r in vals]
    med_ok = sum(1 for v, r in vals if r) * 2 > len(vals)
    m = ("%.0f" % med) if med_ok else ("> %.0f" % med)
    x = ("%.0f" % mx) if all(r for _, r in vals) else ("> %.0f" % mx)
    return "%s %s (median) / %s %s (max)" % (m, unit, x, unit)
print("time to gait over %d seeds: %s; %s; %s" % (len(rows), fmt(rows, 2, "iterations"),
      fmt(rows, 3, "env steps"), fmt(rows, 4, "s")))
print("every seed walked" if all(r[1] == "1" for r in rows) else "NOT every seed walked")
'
