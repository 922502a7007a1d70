#!/usr/bin/python3
"""
gst-workers benchmarks (`make bench`): ours against stock GStreamer and
against the autonomy team's Python worker model, side by side.

Every comparison runs its sides in one go, interleaved (A B, B A, ...), each
run a fresh process, so machine noise hits both. A figure is the median of
the runs, with their min and max; a ratio is the median of the per-round
ratios. Every run checks its own output (all items arrived, in order) and a
wrong output fails the benchmark; times never do: targets are reported as
met or not met.

    run.py                  all benchmarks, results in tests/bench/results/,
                            the latest tables in README.md
    run.py --smoke          each run once on small sizes (CI), results in
                            --out
    run.py --only hop,...   some benchmarks

The parts, one module each beside this one, no circle among them:
benchbase.py (what a benchmark is, the command lines, the run's
settings), benchmarks.py (the benchmarks and the notes under their
tables), runner.py (running them, interleaved and checked), cpusample.py
(the process tree's CPU, sampled), costs.py (instructions counted by
callgrind) and report.py (figures, tables, plots, RESULTS.md, the
README). Each imports benchbase.py alone, but runner.py (cpusample.py
too) and benchmarks.py (costs.py too); this file reads the options and
runs them in order.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time

from benchbase import ARGS, HERE, ROOT, BenchFailure, CostBench, fmt_ratio, log
from benchmarks import benchmarks
from costs import run_cost
from cpusample import children_cpu, cpu_jiffies
from report import keep_history, machine, summarize, target_status, update_readme, write_outputs
from runner import check_bad_runs_fail, element_exists, run_bench


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="each run once, small sizes")
    parser.add_argument("--workerbench", default=os.path.join(ROOT, "build", "tests", "bench", "workerbench"))
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    parser.add_argument("--only", default="", help="comma-separated benchmark keys")
    parser.add_argument("--machine-state", choices=["auto", "quiet", "loaded"], default="auto",
                        help="how to label the machine (auto: from other processes' CPU use)")
    parser.add_argument("--no-readme", action="store_true", help="leave README.md alone")
    parser.add_argument("--rewrite", action="store_true",
                        help="run nothing: rewrite tables and plots from --out's results.json")
    parser.parse_args(namespace=ARGS)
    ARGS.workerbench = os.path.abspath(ARGS.workerbench)
    ARGS.build = os.path.dirname(os.path.dirname(os.path.dirname(ARGS.workerbench)))
    ARGS.out = os.path.abspath(ARGS.out)

    os.environ.setdefault("GST_REGISTRY_1_0", os.path.join(os.path.dirname(ARGS.workerbench), "registry.bin"))
    if not os.access(ARGS.workerbench, os.X_OK):
        log(f"no {ARGS.workerbench}: build first (make bench does)")
        return 2

    benches = benchmarks()
    if ARGS.only:
        keys = ARGS.only.split(",")
        unknown = set(keys) - {b.key for b in benches}
        if unknown:
            log(f"unknown benchmarks: {', '.join(sorted(unknown))}")
            return 2
        benches = [b for b in benches if b.key in keys]

    if ARGS.rewrite:
        with open(os.path.join(ARGS.out, "results.json")) as f:
            saved = json.load(f)
        ARGS.smoke = saved["smoke"]
        benches = [b for b in benches if b.key in saved["results"] or b.needs]
        workdir = os.path.join(os.path.dirname(ARGS.workerbench), "plots")
        os.makedirs(workdir, exist_ok=True)
        text = write_outputs(ARGS.out, benches, saved["results"], saved["machine"], saved["load"],
                             workdir)
        if not ARGS.smoke and not ARGS.no_readme:
            update_readme(text)
        return 0

    m = machine()
    log(f"machine: {m}")
    busy0, steal0 = cpu_jiffies()
    ours0, t0 = children_cpu(), time.monotonic()
    summaries = {}
    try:
        check_bad_runs_fail()
        for bench in benches:
            missing = [e for e in bench.needs if not element_exists(e)]
            if missing:
                log(f"[{bench.key}] not run: needs {', '.join(missing)}")
                continue
            if isinstance(bench, CostBench):
                summaries[bench.key] = run_cost(bench, ARGS.smoke)
                continue
            results = run_bench(bench, ARGS.smoke)
            summaries[bench.key] = summarize(bench, results)
            for t, ratio, ok in target_status(bench, summaries[bench.key]):
                log(f"[{bench.key}] target {t.case}: {t.text}: {fmt_ratio(ratio)} "
                    f"{'met' if ok else 'NOT MET'}")
    except (BenchFailure, subprocess.TimeoutExpired) as e:
        log(f"BENCHMARK FAILED: {e}")
        return 1

    hz = os.sysconf("SC_CLK_TCK")
    busy1, steal1 = cpu_jiffies()
    wall = time.monotonic() - t0
    other = max((busy1 - busy0) / hz - (children_cpu() - ours0), 0.0) / wall
    loaded = {"auto": other > 0.1, "quiet": False, "loaded": True}[ARGS.machine_state]
    load = {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "seconds": round(wall, 1), "other_cores": other,
            "steal_cores": (steal1 - steal0) / hz / wall, "loaded": loaded}
    log(f"{wall:.0f} s; other processes used {other:.2f} cores on average")

    workdir = os.path.join(os.path.dirname(ARGS.workerbench), "plots")
    os.makedirs(workdir, exist_ok=True)
    try:
        text = write_outputs(ARGS.out, benches, summaries, m, load, workdir)
    except BenchFailure as e:
        log(f"BENCHMARK FAILED: {e}")
        return 1
    if not ARGS.smoke and not ARGS.no_readme and not ARGS.only:
        update_readme(text)
    log(f"results in {ARGS.out}; kept as {keep_history(ARGS.out, m, load, summaries)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
