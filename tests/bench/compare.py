#!/usr/bin/python3
"""
What changed between two benchmark results: per benchmark row and side, the
old and new median, and new / old.

    compare.py                       the two newest runs in results/history
    compare.py OLD.json NEW.json     those two (results.json files)

run.py keeps every full run's results.json as results/history/<commit>.json
(`make bench-compare` runs this on them). Throughput rows compare items/s
(higher is better); the instructions-per-item rows (callgrind) compare
counts (lower is better). A change beyond --threshold (10%) is marked; on a
shared machine a figure moves that much with the load, which each run
records (the Load line).
"""

import argparse
import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


class CompareError(Exception):
    pass


def load(path: str) -> dict:
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise CompareError(f"cannot read {path}: {e}")
    if not isinstance(data, dict) or not isinstance(data.get("results"), dict):
        raise CompareError(f"{path}: not a results.json (no \"results\")")
    return data


def newest_two(history: str) -> "tuple[str, str]":
    """The two newest full (not smoke) runs in history, by the date run.py
    recorded (then the file's modification time)."""
    runs = []
    for path in glob.glob(os.path.join(history, "*.json")):
        data = load(path)
        if data.get("smoke"):
            continue
        runs.append(((data.get("load") or {}).get("date", ""), os.path.getmtime(path), path))
    if len(runs) < 2:
        raise CompareError(f"{history}: {len(runs)} full run(s) kept, need 2 to compare "
                           "(make bench keeps one per commit)")
    runs.sort()
    return runs[-2][2], runs[-1][2]


def rows(results: dict) -> "dict[tuple[str, str, str], tuple[float, str]]":
    """{(benchmark, row, side): (figure, unit)} from a results.json's
    "results": medians of items/s, or instructions per item and element."""
    out = {}
    for key, summary in results.items():
        if not isinstance(summary, dict):
            continue
        if "per_element" in summary:  # a CostBench
            for side, cost in summary["per_element"].items():
                out[(key, "instructions per item and element", side)] = (cost, "instr")
            if summary.get("heartbeat"):
                out[(key, "a heartbeat", "ours")] = (summary["heartbeat"], "instr")
            if summary.get("heartbeat_dispatch"):
                out[(key, "a heartbeat's bus dispatch", "ours")] = (
                    summary["heartbeat_dispatch"], "instr")
            for stages, row in summary.get("chains", {}).items():
                for side, cost in row.items():
                    out[(key, f"chain of {stages} with queues, per item", side)] = (cost, "instr")
            continue
        for case, variants in summary.items():
            if not isinstance(variants, dict):
                continue
            for side, fig in variants.items():
                try:
                    out[(key, case, side)] = (float(fig["items_per_s"]["median"]), "items/s")
                except (TypeError, KeyError, ValueError):
                    continue
    return out


def fmt(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def run_line(name: str, data: dict) -> str:
    m, ld = data.get("machine") or {}, data.get("load") or {}
    other = ld.get("other_cores")
    return (f"{name}: commit {m.get('commit', '?')}, {ld.get('date', '?')}"
            + (f", other processes {other:.2f} cores" if isinstance(other, (int, float)) else "")
            + (" (smoke run)" if data.get("smoke") else ""))


def compare(old: dict, new: dict, threshold: float) -> "list[str]":
    """The report's lines: one per row and side of either run."""
    a, b = rows(old["results"]), rows(new["results"])
    keys = list(a) + [k for k in b if k not in a]
    width = max([len(f"{k[0]}: {k[1]}") for k in keys] + [10])
    lines = [f"{'benchmark: row':{width}s}  {'side':8s} {'old':>14s} {'new':>14s} {'new/old':>8s}"]
    for k in keys:
        name = f"{k[0]}: {k[1]}"
        if k not in b:
            lines.append(f"{name:{width}s}  {k[2]:8s} {fmt(a[k][0]):>14s} {'-':>14s} {'only old':>8s}")
            continue
        if k not in a:
            lines.append(f"{name:{width}s}  {k[2]:8s} {'-':>14s} {fmt(b[k][0]):>14s} {'only new':>8s}")
            continue
        (x, unit), (y, _) = a[k], b[k]
        ratio = y / x if x else float("inf")
        mark = ""
        if abs(ratio - 1.0) > threshold:
            better = ratio > 1.0 if unit == "items/s" else ratio < 1.0
            mark = "  better" if better else "  WORSE"
        lines.append(f"{name:{width}s}  {k[2]:8s} {fmt(x):>14s} {fmt(y):>14s} "
                     f"{ratio:>7.3f}x{mark}")
    return lines


def main(argv: "list[str] | None" = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", metavar="OLD NEW", help="two results.json files")
    parser.add_argument("--history", default=os.path.join(HERE, "results", "history"),
                        help="where run.py keeps one results file per commit")
    parser.add_argument("--threshold", type=float, default=0.10,
                        help="mark changes beyond this fraction (0.10)")
    args = parser.parse_args(argv)
    if len(args.files) not in (0, 2):
        parser.error("give two files (old, new), or none to compare the newest two in --history")
    try:
        old_path, new_path = args.files if args.files else newest_two(args.history)
        old, new = load(old_path), load(new_path)
    except CompareError as e:
        print(f"compare.py: {e}", file=sys.stderr)
        return 2
    print(run_line("old", old))
    print(run_line("new", new))
    print()
    print("\n".join(compare(old, new, args.threshold)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
