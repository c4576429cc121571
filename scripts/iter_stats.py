#!/usr/bin/env python3
"""Per-iteration cost of training runs, from their metrics.csv.

    scripts/iter_stats.py RUN_DIR_OR_CSV...

Prints one markdown row per run: iterations logged, the median seconds of collection, of
learning and of a whole iteration, and the median share of learning in an iteration (the
fast-teacher issue allows at most 35 %). Medians, because this machine is shared and single
iterations stall when another process runs.
"""
import csv
import os
import statistics
import sys


def read_run(path):
    """(rows, None) for a run directory or its metrics.csv, or (None, error message)."""
    csv_path = os.path.join(path, "metrics.csv") if os.path.isdir(path) else path
    try:
        with open(csv_path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        return None, f"iter_stats.py: {csv_path}: {e.strerror}"
    if not rows or "collect_s" not in rows[0] or "learn_s" not in rows[0]:
        return None, (f"iter_stats.py: {csv_path}: expected a tutor metrics.csv with collect_s "
                      "and learn_s columns")
    return rows, None


def main(paths):
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if paths[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    runs = []
    for path in paths:  # every input checked before a row is printed
        rows, error = read_run(path)
        if error:
            print(error, file=sys.stderr)
            return 2
        runs.append((path, rows))
    print("| run | iterations | collect s | learn s | iteration s | learning share |")
    print("|---|---|---|---|---|---|")
    for path, rows in runs:
        collect = [float(r["collect_s"]) for r in rows]
        learn = [float(r["learn_s"]) for r in rows]
        total = [c + l for c, l in zip(collect, learn)]
        share = [l / t for l, t in zip(learn, total) if t > 0]
        print(f"| {path} | {len(rows)} | {statistics.median(collect):.2f} | "
              f"{statistics.median(learn):.2f} | {statistics.median(total):.2f} | "
              f"{100 * statistics.median(share):.0f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
