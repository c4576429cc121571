#!/usr/bin/python3
"""An independent reader of tutor's TensorBoard event files: Debian's python3-protobuf decodes
the events (schema compiled by protoc from learning/tensorboard.proto), python3-crc32c checks
the TFRecord framing. Compares every tag, step and value with metrics.csv and prints the tags
with their last values. Usage: read_tensorboard.py PB2_DIR LOG_DIR"""
import csv
import glob
import math
import struct
import sys

import crc32c

sys.path.insert(0, sys.argv[1])
import tensorboard_pb2  # noqa: E402  (generated into PB2_DIR)

# metrics.csv column -> TensorBoard tag (rsl_rl's names where it has one)
TAGS = {
    "steps_per_s": "Perf/total_fps", "collect_s": "Perf/collection time",
    "learn_s": "Perf/learning_time", "env_steps": "Perf/env_steps", "wall_s": "Perf/wall_time",
    "mean_return": "Train/mean_reward", "mean_length": "Train/mean_episode_length",
    "fall_rate": "Train/fall_rate", "vx_error": "Train/vx_error", "vy_error": "Train/vy_error",
    "yaw_rate_error": "Train/yaw_rate_error", "learning_rate": "Loss/learning_rate",
    "action_std": "Policy/mean_noise_std", "value_loss": "Loss/value_function",
    "surrogate_loss": "Loss/surrogate", "entropy": "Loss/entropy", "kl": "Loss/kl",
    "behavior_loss": "Loss/behavior",
}


def tag_of(column):
    if column in TAGS:
        return TAGS[column]
    if column.startswith("reward/"):
        return "Episode_Reward/" + column[len("reward/"):]
    return "Algorithm/" + column


def masked(data):
    crc = crc32c.crc32c(data)
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def records(path):
    with open(path, "rb") as f:
        blob = f.read()
    at = 0
    while at < len(blob):
        length_bytes = blob[at:at + 8]
        (length,) = struct.unpack("<Q", length_bytes)
        (length_crc,) = struct.unpack("<I", blob[at + 8:at + 12])
        assert length_crc == masked(length_bytes), f"{path}: length CRC at byte {at}"
        data = blob[at + 12:at + 12 + length]
        (data_crc,) = struct.unpack("<I", blob[at + 12 + length:at + 16 + length])
        assert data_crc == masked(data), f"{path}: data CRC at byte {at}"
        yield data
        at += 16 + length


def main():
    log_dir = sys.argv[2]
    files = glob.glob(log_dir + "/*tfevents*")
    assert len(files) == 1, f"expected one event file in {log_dir}, found {files}"
    events = [tensorboard_pb2.Event.FromString(r) for r in records(files[0])]
    assert events[0].file_version == "brain.Event:2", events[0]
    seen = {}
    for event in events[1:]:
        for value in event.summary.value:
            key = (event.step, value.tag)
            assert key not in seen, f"step {event.step} tag {value.tag} written twice"
            seen[key] = value.simple_value
    rows = list(csv.DictReader(open(log_dir + "/metrics.csv")))
    steps = sorted({step for step, _ in seen})
    assert steps == [int(r["iteration"]) for r in rows], (steps, [r["iteration"] for r in rows])
    checked = 0
    for row in rows:
        step = int(row["iteration"])
        for column, text in row.items():
            if column == "iteration" or text == "":
                continue
            expected = float(text)
            got = seen.pop((step, tag_of(column)))
            assert math.isclose(got, expected, rel_tol=1e-6, abs_tol=1e-6) or (
                math.isnan(got) and math.isnan(expected)), (step, column, got, expected)
            checked += 1
    assert not seen, f"events without a metrics.csv value: {sorted(seen)[:5]}"
    last = events[-1]
    print(f"{files[0]}: {len(events)} records, steps {steps[0]}..{steps[-1]}, "
          f"{checked} values equal to metrics.csv")
    for value in last.summary.value:
        print(f"  step {last.step}  {value.tag:40s} {value.simple_value:.6g}")


if __name__ == "__main__":
    main()
