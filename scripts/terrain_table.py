#!/usr/bin/python3
"""The terrain benchmark of `tutor bench policies --terrain ... --json F` as one markdown table:
a row per (type, level), per policy its success and its return, and each policy's return as a
share of the reference policy's in that cell; then per type the smallest and the mean share over
the levels.

usage: terrain_table.py BENCH.json REFERENCE_POLICY [POLICY ...]
(no POLICY: every policy of the file, in its order)
"""
import json
import sys


def main(path, reference, names):
    with open(path) as f:
        policies = {p["name"]: p for p in json.load(f)["policies"]}
    if reference not in policies:
        sys.exit(f"{path}: no policy '{reference}' (has {', '.join(policies)})")
    names = names or list(policies)
    for n in names:
        if n not in policies:
            sys.exit(f"{path}: no policy '{n}' (has {', '.join(policies)})")
        if not policies[n].get("terrain"):
            sys.exit(f"{path}: policy '{n}' has no terrain cells (run with --terrain)")
    others = [n for n in names if n != reference]
    cells = {n: {(c["type"], c["level"]): c for c in policies[n]["terrain"]} for n in names}
    keys = [(c["type"], c["level"]) for c in policies[reference]["terrain"]]
    head = "| type | level | size | " + " | ".join(f"{n} success / return" for n in names)
    head += "".join(f" | {n} ÷ {reference}" for n in others) + " |"
    print(head)
    print("|" + "---|" * (3 + len(names) + len(others)))
    shares = {}
    for key in keys:
        ref = cells[reference][key]
        size = "-" if key[0] == "flat" else f"{ref['size']:.3g} {ref['size_name']}"
        row = f"| {key[0]} | {key[1]} | {size} |"
        for n in names:
            c = cells[n][key]
            row += f" {100 * c['success_rate']:.0f} % / {c['result']['mean_return']:.2f} |"
        for n in others:
            r = cells[n][key]["result"]["mean_return"] / ref["result"]["mean_return"]
            shares.setdefault((n, key[0]), []).append(r)
            row += f" {r:.3f} |"
        print(row)
    if not others:
        return
    print()
    print("| type | " + " | ".join(f"{n} ÷ {reference}: min / mean over levels" for n in others) + " |")
    print("|" + "---|" * (1 + len(others)))
    for t in dict.fromkeys(k[0] for k in keys):
        row = f"| {t} |"
        for n in others:
            s = shares[(n, t)]
            row += f" {min(s):.3f} / {sum(s) / len(s):.3f} |"
        print(row)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
