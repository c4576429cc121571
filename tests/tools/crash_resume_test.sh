#!/usr/bin/env bash
# kill -9 in the middle of a run, then --resume LOG_DIR: the run continues from its newest
# checkpoint (model_latest.pt moves with every save), metrics.csv keeps rows 1..checkpoint
# unchanged and then goes on from checkpoint + 1, and every iteration stands once in
# metrics.csv and in the TensorBoard event file. Usage: SCRIPT TUTOR_BINARY SOURCE_DIR
set -uo pipefail
tutor=$1 src=$2
work=$(mktemp -d)
trap 'kill -9 $pid 2>/dev/null; rm -rf "$work"' EXIT
small=(--threads 1 --set env.num_envs=8 --set runner.num_steps_per_env=4 --set runner.save_interval=5)
"$tutor" train --iterations 1000 --log-dir "$work/run" "${small[@]}" > "$work/first.log" 2>&1 &
pid=$!
# wait for iteration 14's row (a bounded wait), then kill the process without warning
for _ in $(seq 600); do
  [[ -f "$work/run/metrics.csv" ]] && (( $(wc -l < "$work/run/metrics.csv") >= 15 )) && break
  sleep 0.1
done
kill -9 $pid; wait $pid 2>/dev/null
rows=$(($(wc -l < "$work/run/metrics.csv") - 1))
echo "killed after $rows logged iterations"
(( rows >= 14 )) || { echo "FAILED: the run never reached iteration 14"; exit 1; }
cp "$work/run/metrics.csv" "$work/before.csv"
last=$((rows + 3))
"$tutor" train --resume "$work/run" --iterations $last "${small[@]}" > "$work/second.log" 2>&1 \
  || { echo "FAILED: resume"; cat "$work/second.log"; exit 1; }
head -1 "$work/second.log"
# the newest save: a multiple of 5 within the last 5 logged iterations (the kill may land
# between an iteration's row and its save)
latest=$(sed -n "s|^resumed $work/run/model_latest.pt at iteration \([0-9]*\)$|\1|p" "$work/second.log")
[[ -n "$latest" ]] && (( latest % 5 == 0 && latest <= rows && latest >= rows - 5 )) \
  || { echo "FAILED: resumed from '$latest' after $rows rows"; exit 1; }
# rows 1..latest unchanged, then latest+1 .. latest+6 once each
cmp <(head -n $((latest + 1)) "$work/before.csv") <(head -n $((latest + 1)) "$work/run/metrics.csv") \
  || { echo "FAILED: rows 1..$latest changed"; exit 1; }
iterations=$(tail -n +2 "$work/run/metrics.csv" | cut -d, -f1 | tr '\n' ' ')
expected=$(seq -s ' ' 1 $last)
[[ "$iterations" == "$expected " ]] || { echo "FAILED: iterations '$iterations'"; exit 1; }
echo "metrics.csv iterations: $iterations(first new row $((latest + 1)))"
protoc --proto_path="$src/learning" --python_out="$work" "$src/learning/tensorboard.proto"
/usr/bin/python3 "$src/tests/tools/read_tensorboard.py" "$work" "$work/run" > "$work/read.txt" && head -1 "$work/read.txt"
