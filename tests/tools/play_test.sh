#!/usr/bin/env bash
# The viewer renders a non-blank frame under Xvfb, and --record writes a video that ffprobe
# decodes with the requested number of frames. Usage: play_test.sh TUTOR_BINARY
set -euo pipefail
tutor=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# a tiny checkpoint to drive the robot (the policy does not matter for rendering)
"$tutor" train --iterations 1 --log-dir "$work/run" --threads 1 \
  --set env.num_envs=8 --set runner.num_steps_per_env=4 --set runner.save_interval=0 > /dev/null
# under scripts/sanitize.sh, TUTOR_SANITIZE_PRELOAD keeps Mesa's GL driver loaded to the end:
# GLX dlclose()s it at exit, and LeakSanitizer then reports the blocks its globals still held
# (stacks in an "<unknown module>") as leaks
preload=()
[[ -n "${TUTOR_SANITIZE_PRELOAD:-}" ]] && preload=(env "LD_PRELOAD=$TUTOR_SANITIZE_PRELOAD")
xvfb-run -a -s "-screen 0 1280x1024x24" "${preload[@]}" "$tutor" play --checkpoint "$work/run/model_latest.pt" \
  --record "$work/out.mp4" --seconds 1 --width 320 --height 240 --snapshot "$work/frame.ppm"
frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames \
  -of csv=p=0 "$work/out.mp4")
rate=$(ffprobe -v error -select_streams v:0 -show_entries stream=r_frame_rate -of csv=p=0 "$work/out.mp4")
echo "frames=$frames rate=$rate"
[[ "$frames" == "50" ]] || { echo "expected 50 frames (1 s at 50 fps), got $frames"; exit 1; }
[[ "$rate" == "50/1" ]] || { echo "expected 50 fps, got $rate"; exit 1; }
# pixel variance of the first frame: a blank (single-colour) frame has 0
/usr/bin/python3 - "$work/frame.ppm" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
magic, dims, maxval, pixels = data.split(b"\n", 3)
w, h = map(int, dims.split())
assert magic == b"P6" and len(pixels) == 3 * w * h, "bad PPM"
n = len(pixels)
mean = sum(pixels) / n
var = sum((p - mean) ** 2 for p in pixels[::7]) / len(pixels[::7])
print(f"pixel mean {mean:.1f} variance {var:.1f}")
sys.exit(0 if var > 100 else 1)
PY
# failure paths: an unwritable file and a missing ffmpeg exit 2 with one line naming them
# (formerly SIGPIPE killed tutor with exit 141 when ffmpeg could not write)
set +e
"$tutor" play --checkpoint "$work/run/model_latest.pt" --record /nonexistent/dir/x.mp4 \
  2> "$work/err1"; rc1=$?
env PATH=/nonexistent "$tutor" play --checkpoint "$work/run/model_latest.pt" \
  --record "$work/y.mp4" 2> "$work/err2"; rc2=$?
set -e
cat "$work/err1" "$work/err2"
[[ $rc1 -eq 2 ]] && grep -q "play: --record /nonexistent/dir/x.mp4: cannot write into" "$work/err1" \
  || { echo "unwritable --record: rc $rc1"; exit 1; }
[[ $rc2 -eq 2 ]] && grep -q "play: --record needs ffmpeg" "$work/err2" \
  || { echo "missing ffmpeg: rc $rc2"; exit 1; }
