#!/usr/bin/python3
"""Multi-teacher benchmark by domain, from one or more `tutor bench policies --terrain ... --json F`
files (policies benched apart with the same `--env`, merged by name; the files must name the same
env and the same terrain cells for a policy benched twice).

A domain is a set of terrain types and the teacher responsible for it. Per domain and policy: the
success rate and the mean return over the domain's cells (every cell holds the same number of
episodes), each also as a share of the responsible teacher's, and the smallest per-cell return
share. Policies named NAME_s1, NAME_s2, ... are also summarised as NAME (mean over seeds).

usage: domain_table.py --domain NAME=TYPE,TYPE:TEACHER ... --policies P,P,... BENCH.json ...
"""
import argparse
import json
import re
import sys
from collections import OrderedDict


def load(paths):
    policies, env = OrderedDict(), None
    for path in paths:
        with open(path) as f:
            bench = json.load(f)
        if env is None:
            env = bench.get("env")
        elif bench.get("env") != env:
            sys.exit(f"{path}: benched in env {bench.get('env')}, the others in {env}: "
                     "cells of different envs do not compare")
        for p in bench["policies"]:
            cells = {(c["type"], c["level"]): c for c in p.get("terrain", [])}
            if p["name"] in policies:
                for key, c in cells.items():
                    old = policies[p["name"]].get(key)
                    if old is not None and old != c:
                        sys.exit(f"{path}: policy '{p['name']}' cell {key} differs from another file")
                policies[p["name"]].update(cells)
            else:
                policies[p["name"]] = cells
    return policies, env


def domain_figures(cells, ref_cells, types, where):
    keys = sorted(k for k in ref_cells if k[0] in types)
    if not keys:
        sys.exit(f"{where}: the responsible teacher has no cell of {', '.join(types)}")
    missing = [k for k in keys if k not in cells]
    if missing:
        sys.exit(f"{where}: no cell {missing[0]} (bench it with --terrain {missing[0][0]})")
    success = sum(cells[k]["success_rate"] for k in keys) / len(keys)
    ret = sum(cells[k]["result"]["mean_return"] for k in keys) / len(keys)
    shares = [cells[k]["result"]["mean_return"] / ref_cells[k]["result"]["mean_return"] for k in keys]
    return success, ret, min(shares), len(keys)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--domain", action="append", required=True,
                        help="NAME=TYPE,TYPE:TEACHER (repeatable)")
    parser.add_argument("--policies", required=True, help="comma-separated policy names")
    parser.add_argument("bench", nargs="+")
    args = parser.parse_args()
    policies, env = load(args.bench)
    domains = []
    for d in args.domain:
        m = re.fullmatch(r"([^=]+)=([^:]+):(.+)", d)
        if not m:
            sys.exit(f"--domain {d}: expected NAME=TYPE,TYPE:TEACHER")
        name, types, teacher = m.group(1), m.group(2).split(","), m.group(3)
        if teacher not in policies:
            sys.exit(f"--domain {d}: no policy '{teacher}' (has {', '.join(policies)})")
        domains.append((name, types, teacher))
    names = args.policies.split(",")
    for n in names:
        if n not in policies:
            sys.exit(f"--policies: no policy '{n}' (has {', '.join(policies)})")
    print(f"env: {env}\n")
    print("| domain | types | cells | responsible teacher: success / return | "
          "policy | success (÷ teacher) | return (÷ teacher) | smallest cell return share |")
    print("|---|---|---|---|---|---|---|---|")
    groups = OrderedDict()
    for n in names:
        groups.setdefault(re.sub(r"_s\d+$", "", n), []).append(n)
    summary = OrderedDict()
    for dname, types, teacher in domains:
        ts, tr, _, ncells = domain_figures(policies[teacher], policies[teacher], types, dname)
        first = True
        for n in names:
            s, r, low, _ = domain_figures(policies[n], policies[teacher], types, f"{dname}: {n}")
            lead = (f"| {dname} | {', '.join(types)} | {ncells} | {teacher}: {100 * ts:.1f} % / "
                    f"{tr:.2f} |") if first else "| | | | |"
            first = False
            print(f"{lead} {n} | {100 * s:.1f} % ({s / ts:.3f}) | {r:.2f} ({r / tr:.3f}) | "
                  f"{low:.3f} |")
            summary.setdefault((dname, re.sub(r"_s\d+$", "", n)), []).append((s / ts, r / tr, low))
    print()
    print("| domain | " + " | ".join(f"{g} ({len(m)} seeds): success ÷ / return ÷ / smallest cell"
                                      for g, m in groups.items()) + " |")
    print("|" + "---|" * (1 + len(groups)))
    for dname, _, _ in domains:
        row = f"| {dname} |"
        for g in groups:
            v = summary[(dname, g)]
            k = len(v)
            row += (f" {sum(x[0] for x in v) / k:.3f} / {sum(x[1] for x in v) / k:.3f} / "
                    f"{min(x[2] for x in v):.3f} |")
        print(row)


if __name__ == "__main__":
    main()
