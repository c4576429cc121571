#!/usr/bin/python3
"""Learning curve of a `tutor train`/`tutor distill` run from its metrics.csv.

usage: plot_metrics.py runs/teacher/metrics.csv OUT.png
Plots mean return, fall rate and |vx|/|yaw-rate| tracking error against env steps and wall
time, and marks the first iteration with falls < 5 % and |vx error| < 0.3 m/s (a proxy from training rollouts; the benchmark is scripts/time_to_gait.sh, by `tutor eval`).
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(path, out):
    with open(path) as f:
        rows = [r for r in csv.DictReader(f)]
    steps = [float(r["env_steps"]) / 1e6 for r in rows]
    wall = [float(r["wall_s"]) / 60 for r in rows]
    gait = next((i for i, r in enumerate(rows)
                 if float(r["mean_length"]) > 0 and float(r["fall_rate"]) < 0.05
                 and float(r["vx_error"]) < 0.3), None)
    fig, axes = plt.subplots(3, 1, figsize=(8, 9), sharex=True)
    axes[0].plot(steps, [float(r["mean_return"]) for r in rows])
    axes[0].set_ylabel("mean episode return")
    axes[1].plot(steps, [100 * float(r["fall_rate"]) for r in rows], color="tab:red")
    axes[1].set_ylabel("falls (% of episodes)")
    axes[2].plot(steps, [float(r["vx_error"]) for r in rows], label="|vx error| (m/s)")
    axes[2].plot(steps, [float(r["yaw_rate_error"]) for r in rows], label="|yaw-rate error| (rad/s)")
    axes[2].set_ylabel("tracking error")
    axes[2].set_xlabel("env steps (millions)")
    axes[2].legend()
    for ax in axes:
        ax.grid(alpha=0.3)
        if gait is not None:
            ax.axvline(steps[gait], color="gray", linestyle="--")
    title = f"{path}: {steps[-1]:.1f} M steps in {wall[-1]:.1f} min"
    if gait is not None:
        title += (f"\nrollouts < 5 % falls, |vx err| < 0.3 first at iteration {rows[gait]['iteration']}, "
                  f"{steps[gait]:.2f} M steps, {wall[gait]:.1f} min")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    if gait is not None:
        print(f"rollout proxy (< 5 % falls, |vx err| < 0.3): iteration {rows[gait]['iteration']}, {steps[gait]:.2f} M steps, "
              f"{wall[gait]:.2f} min")
    else:
        print("rollout proxy: not reached")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
