"""
Running a benchmark: each of its runs a fresh process, the sides
interleaved round by round, every run's output checked; and the check
that a wrong output does fail a run.
"""

import json
import os
import subprocess
import time

from benchbase import (ARGS, HERE, QUEUE, Bench, BenchFailure, Variant, bench_src, fmt_rate,
                       fmt_us, log, workerbench)
from cpusample import children_cpu, cpu_jiffies, run_sampled, steady_cpu

def element_exists(name: str) -> bool:
    return subprocess.run([ARGS.workerbench, f"--exists={name}"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def run_once(variant: Variant, smoke: bool, profile: bool = False) -> dict:
    argv = variant.argv(smoke)
    with open("/proc/loadavg") as f:
        loadavg = float(f.read().split()[0])
    busy0, _ = cpu_jiffies()
    ours0, t0 = children_cpu(), time.monotonic()
    if profile:
        proc, samples, t_line = run_sampled(argv)
    else:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=900, cwd=HERE)
    busy1, _ = cpu_jiffies()
    wall = max(time.monotonic() - t0, 1e-3)
    # the CPU the rest of the machine used during this run, in cores
    other = max((busy1 - busy0) / os.sysconf("SC_CLK_TCK") - (children_cpu() - ours0), 0.0) / wall
    if proc.returncode != 0:
        raise BenchFailure(f"{variant.label} failed (exit {proc.returncode}):\n  "
                           + " ".join(argv) + "\n" + proc.stderr.strip())
    try:
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise BenchFailure(f"{variant.label}: no figures in its output:\n{proc.stdout}{proc.stderr}")
    if result["measured"] < 2 or result["items_per_s"] <= 0:
        raise BenchFailure(f"{variant.label}: nothing measured: {result}")
    if variant.check:
        error = variant.check(result)
        if error:
            raise BenchFailure(f"{variant.label}: {error}")
    result["other_cores"] = round(other, 3)
    result["loadavg"] = loadavg
    if profile:
        result["tree_cpu"] = steady_cpu(samples, t_line, result)
    return result


def run_bench(bench: Bench, smoke: bool) -> dict:
    """Returns {case label: {variant name: [result per round]}}."""
    rounds = 1 if smoke else bench.rounds
    results = {case.label: {v.name: [] for v in case.variants} for case in bench.cases}
    for case in bench.cases if not smoke else []:
        for v in case.variants:
            for _ in range(bench.warmup_runs):
                res = run_once(v, smoke)
                log(f"[{bench.key}] warm-up     {case.label:28s} {v.label:20s} "
                    f"{fmt_rate(res['items_per_s']):>12s} items/s (not counted)")
    for r in range(rounds):
        for case in bench.cases:
            order = case.variants if r % 2 == 0 else list(reversed(case.variants))
            for v in order:
                res = run_once(v, smoke, bench.cpu_profile)
                results[case.label][v.name].append(res)
                tree = res.get("tree_cpu")
                log(f"[{bench.key}] round {r + 1}/{rounds}  {case.label:28s} {v.label:20s} "
                    f"{fmt_rate(res['items_per_s']):>12s} items/s  "
                    f"latency {fmt_us(res['latency_us']['median'])} / {fmt_us(res['latency_us']['p99'])}  "
                    f"others {res['other_cores']:.2f} cores, loadavg {res['loadavg']:.1f}"
                    + (f"; CPU {tree['ms_per_item']:.3f} ms/item, {tree['cores']:.2f} cores"
                       if tree else ""))
    return results


def check_bad_runs_fail() -> None:
    """The checks are real: runs that lose items, or are set up wrong, fail
    with the reason."""
    q = f"! {QUEUE} !"
    bad = [
        (f"{bench_src(2000)} {q} identity drop-probability=0.05 ! benchsink", "out of order"),
        (f"{bench_src(2000)} {q} identity drop-probability=1.0 ! benchsink",
         "0 of 2000 items arrived"),
        (f"benchsrc {q} benchsink", "needs a number of items"),
        (f"benchsrc num-buffers=10 caps=ANY {q} benchsink", "must name one format"),
        (f"fakesrc num-buffers=10 {q} fakesink", "needs one benchsrc and one benchsink"),
        # timed by probes (--from, --to): a pipeline with its own ends
        (f"--from=v --to=s videotestsrc name=v num-buffers=300 {q} "
         "identity drop-probability=0.1 ! fakesink name=s", "items arrived"),
        (f"--from=v --to=s fakesrc name=v num-buffers=10 {q} fakesink name=s",
         "no timestamp"),
    ]
    for pipeline, error in bad:
        run = Variant("bad", pipeline, lambda s, p=pipeline: workerbench("--timeout=60", p))
        try:
            run_once(run, True)
        except BenchFailure as e:
            if error not in str(e):
                raise BenchFailure(f"'{pipeline}' failed for another reason than '{error}': {e}")
            continue
        raise BenchFailure(f"'{pipeline}' did not fail")
    good = (f"--from=v --to=s videotestsrc name=v num-buffers=50 {q} "
            "video/x-raw,width=64,height=48 ! fakesink name=s")
    result = run_once(Variant("taps", good, lambda s: workerbench(good)), True)
    if result["items"] != 50:
        raise BenchFailure(f"'{good}': {result['items']} items, not 50")
