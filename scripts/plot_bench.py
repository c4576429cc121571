#!/usr/bin/python3
"""Plots of `tutor bench policies`: robustness sweeps, size vs return vs latency, and (with
--terrain) success vs terrain difficulty per type.

usage: plot_bench.py bench_policies.json OUT_DIR
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(path, out_dir):
    with open(path) as f:
        bench = json.load(f)
    policies = bench["policies"]
    axes_names = []
    for point in policies[0]["robustness"]:
        if point["axis"] not in axes_names:
            axes_names.append(point["axis"])
    if axes_names:
        plot_robustness(policies, axes_names, out_dir)
    plot_size(policies, out_dir)
    if any(p.get("terrain") for p in policies):
        plot_terrain(policies, out_dir)


def plot_terrain(policies, out_dir):
    types = []
    for cell in policies[0]["terrain"]:
        if cell["type"] not in types:
            types.append(cell["type"])
    fig, axes = plt.subplots(2, len(types), figsize=(3.6 * len(types), 6.5), squeeze=False)
    for col, kind in enumerate(types):
        for p in policies:
            cells = [c for c in p["terrain"] if c["type"] == kind]
            xs = [c["size"] if kind != "flat" else c["level"] for c in cells]
            axes[0][col].plot(xs, [100 * c["success_rate"] for c in cells], marker="o", label=p["name"])
            axes[1][col].plot(xs, [c["result"]["mean_return"] for c in cells], marker="o", label=p["name"])
        name = next(c["size_name"] for c in policies[0]["terrain"] if c["type"] == kind)
        axes[0][col].set_title(kind)
        axes[0][col].set_ylabel("success (%)")
        axes[0][col].set_ylim(-5, 105)
        axes[1][col].set_ylabel("mean return")
        axes[1][col].set_xlabel("level" if kind == "flat" else name)
        for row in range(2):
            axes[row][col].grid(alpha=0.3)
    axes[0][0].legend()
    fig.suptitle("Terrain: success (no fall, >= 3 m crossed) vs difficulty, fixed patches")
    fig.tight_layout()
    fig.savefig(f"{out_dir}/terrain.png", dpi=110)


def plot_robustness(policies, axes_names, out_dir):
    labels = {"friction": "ground friction", "added_mass": "added trunk mass (kg)",
              "push_velocity": "push strength (m/s)", "motor_strength": "motor strength (x)",
              "kp_factor": "Kp (x)", "kd_factor": "Kd (x)",
              "action_latency": "action latency (policy steps)"}
    fig, axes = plt.subplots(2, len(axes_names), figsize=(3.6 * len(axes_names), 6.5), squeeze=False)
    for col, axis in enumerate(axes_names):
        for p in policies:
            pts = [q for q in p["robustness"] if q["axis"] == axis]
            xs = [q["value"] for q in pts]
            axes[0][col].plot(xs, [q["mean_return"] for q in pts], marker="o", label=p["name"])
            axes[1][col].plot(xs, [100 * q["fall_rate"] for q in pts], marker="o", label=p["name"])
        axes[0][col].set_title(labels.get(axis, axis))
        axes[0][col].set_ylabel("mean return")
        axes[1][col].set_ylabel("fall rate (%)")
        axes[1][col].set_xlabel(labels.get(axis, axis))
        for row in range(2):
            axes[row][col].grid(alpha=0.3)
    axes[0][0].legend()
    fig.suptitle("Robustness: every policy on the same seeds and commands")
    fig.tight_layout()
    fig.savefig(f"{out_dir}/robustness.png", dpi=110)


def plot_size(policies, out_dir):
    fig, ax = plt.subplots(figsize=(7, 5))
    for p in policies:
        latency = p["latency_us_eigen"]
        ax.scatter(p["parameters"], p["nominal"]["mean_return"], s=40 + 20 * latency)
        ax.annotate(f'{p["name"]}\nEigen {latency:.1f} us, LibTorch {p["latency_us_libtorch"]:.0f} us',
                    (p["parameters"], p["nominal"]["mean_return"]), textcoords="offset points",
                    xytext=(8, 4), fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("parameters (log)")
    ax.set_ylabel("mean return (nominal)")
    ax.set_title("Size vs return (marker size: single-sample Eigen latency)")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(f"{out_dir}/size_return_latency.png", dpi=110)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
