"""
Instructions counted by callgrind (the cost benchmark and the tracer's
share): the same count whatever else the machine does.
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile

from benchbase import (ARGS, HERE, QUEUE, BenchFailure, CostBench, bench_src, chain, log,
                       workerbench)

TRACER_COUNTS = {}


def callgrind(argv: "list[str]", env: dict, out: str) -> int:
    """Runs argv under callgrind, profile to @out; its instruction count."""
    proc = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] + argv,
                          capture_output=True, text=True, timeout=900, cwd=HERE, env=env)
    found = re.search(r"Collected : (\d+)", proc.stderr)
    if proc.returncode != 0 or not found:
        raise BenchFailure(f"tracer count failed: {proc.stderr[-1000:]}")
    return int(found.group(1))


def tracer_argv(items: int, hop: bool) -> "list[str]":
    stage = ["!", QUEUE, "!", "identity silent=true"] if hop else ["!", "identity silent=true"]
    return workerbench(bench_src(items), *stage * 4, *stage[:-1], "benchsink")


def tracer_env(tracer: "str | None") -> dict:
    env = dict(os.environ, GLIBC_TUNABLES="glibc.malloc.tcache_count=0")
    env.pop("GST_TRACERS", None)
    if tracer:
        env["GST_TRACERS"] = tracer
    return env


def tracer_instructions(tracer: "str | None", n: int = 5000) -> float:
    """Instructions per item of `benchsrc ! identity x4 ! benchsink` (one
    thread) under callgrind with GST_TRACERS=tracer: runs of n and 2n
    items, so start-up cancels out."""
    key = (tracer, n)
    if key not in TRACER_COUNTS:
        counts = []
        for items in (n, 2 * n):
            # now and then a run costs a few million more or less: the
            # median of three
            runs = [callgrind(tracer_argv(items, False), tracer_env(tracer), "/dev/null")
                    for _ in range(3)]
            counts.append(statistics.median(runs))
        TRACER_COUNTS[key] = (counts[1] - counts[0]) / n
    return TRACER_COUNTS[key]


def own_instructions(tracer: str, n: int, hop: bool) -> float:
    """The tracer's own instructions per item: its code's (self cost in
    libgstworkertracers) and its clock reads (clock_gettime's cost over a
    run without a tracer), runs of n and 2n items. Unlike a whole run's
    count, these do not move with how the queues' threads hand items over
    under valgrind (a hop chain's whole count varies by 1.7x run to run)."""
    def counted(items: int, with_tracer: bool) -> "tuple[int, int]":
        out = os.path.join(tempfile.gettempdir(), f"workerstats-cg.{os.getpid()}")
        callgrind(tracer_argv(items, hop), tracer_env(tracer if with_tracer else None), out)
        text = subprocess.run(["callgrind_annotate", "--inclusive=no", "--threshold=100", out],
                              capture_output=True, text=True, check=True).stdout
        os.unlink(out)
        ours = clock = 0
        for line in text.splitlines():
            m = re.match(r"\s*([\d,]+)\s", line)
            if not m:
                continue
            ir = int(m.group(1).replace(",", ""))
            if "libgstworkertracers" in line:
                ours += ir
            elif "clock_gettime" in line:
                clock += ir
        return ours, clock
    per = []
    for items in (n, 2 * n):
        ours, clock = counted(items, True)
        per.append(ours + clock - counted(items, False)[1])
    return (per[1] - per[0]) / n


def count_instructions(argv: "list[str]", smoke: bool) -> "tuple[int, dict]":
    """Instructions callgrind counts for the whole run (0 in smoke mode,
    which only runs the pipeline), and the run's figures."""
    argv = argv[:1] + ["--check-only"] + argv[1:]
    env = None
    if not smoke:
        argv = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + argv
        # with malloc's per-thread cache, a run takes one of two paths
        # through malloc for good, 5% apart: leave it out
        env = dict(os.environ, GLIBC_TUNABLES="glibc.malloc.tcache_count=0")
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=900, cwd=HERE, env=env)
    if proc.returncode != 0:
        raise BenchFailure(f"failed (exit {proc.returncode}):\n  " + " ".join(argv) + "\n"
                           + proc.stderr.strip()[-2000:])
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if smoke:
        return 0, result
    found = re.search(r"Collected : (\d+)", proc.stderr)
    if not found:
        raise BenchFailure("no instruction count from callgrind:\n" + proc.stderr[-2000:])
    return int(found.group(1)), result


def function_costs(argv: "list[str]", functions: "list[str]") -> dict:
    """{function: (instructions per call, its callers' instructions per
    call)}, inclusive, for each "file.c:name" of @functions, from one run
    under callgrind."""
    out = os.path.join(os.path.dirname(ARGS.workerbench), "callgrind.out")
    proc = subprocess.run(["valgrind", "--tool=callgrind", "--fair-sched=yes",
                           f"--callgrind-out-file={out}"] + argv,
                          capture_output=True, text=True, timeout=900, cwd=HERE)
    if proc.returncode != 0:
        raise BenchFailure("failed:\n  " + " ".join(argv) + "\n" + proc.stderr[-2000:])
    tree = subprocess.run(["callgrind_annotate", "--tree=caller", "--inclusive=yes",
                           "--threshold=100", out],
                          capture_output=True, text=True).stdout
    os.unlink(out)
    lines = tree.splitlines()

    def entry(pattern: str) -> "tuple[int, int, list[str]]":
        """(calls, inclusive instructions, caller names) of the entry with
        the most calls."""
        best = (0, 0, [])
        for i, line in enumerate(lines):
            if not re.search(pattern, line):
                continue
            calls, callers = 0, []
            for caller in reversed(lines[:i]):
                found = re.search(r"^\s*[\d,]+ .*<\s+(\S+) \(([\d,]+)x\)", caller)
                if not found:
                    break
                calls += int(found.group(2).replace(",", ""))
                callers.append(found.group(1))
            if calls > best[0]:
                best = (calls, int(line.split()[0].replace(",", "")), callers)
        return best

    result = {}
    for function in functions:
        calls, total, callers = entry(rf"\*\s+\S*/{re.escape(function)}(\s|$)")
        if calls < 20:
            raise BenchFailure(f"only {calls} calls of {function} in the callgrind profile")
        caller_cost = 0.0
        if len(callers) == 1:
            c_calls, c_total, _ = entry(rf"\*\s+{re.escape(callers[0])}(\s|$)")
            caller_cost = c_total / max(c_calls, 1)
        result[function] = (total / calls, caller_cost)
    return result


def run_cost(bench: CostBench, smoke: bool) -> dict:
    if not smoke and not shutil.which("valgrind"):
        raise BenchFailure("valgrind is needed (make deps installs it)")
    n = bench.items(smoke)

    def per_item(element: "str | None") -> float:
        counts = []
        for items in (n, 2 * n):
            parts = [bench_src(items)]
            if element:
                parts += ["!", element] * bench.stages
            # now and then a run costs a few million more or less: the
            # median of three
            argv = workerbench(*parts, "!", "benchsink")
            counts.append(statistics.median(count_instructions(argv, smoke)[0]
                                            for _ in range(1 if smoke else 3)))
        return (counts[1] - counts[0]) / n

    if smoke:
        log(f"[{bench.key}] smoke: the pipelines run, callgrind does not count")
    empty = per_item(None)
    out = {"items": n, "empty_chain": empty, "per_element": {}}
    for name, label, element in bench.elements:
        out["per_element"][name] = (per_item(element) - empty) / bench.stages
        if not smoke:
            log(f"[{bench.key}] {label:20s} {out['per_element'][name]:,.0f} instructions per "
                "item and element")

    # one heartbeat, where a system spends it: the core's heartbeat_cb per
    # call, inclusive (building the stats, posting the message), and the
    # controller's bus watch per message dispatched (its callback, the
    # message's pop and unref), in a gst-worker-launch run posting hundreds
    # (under callgrind on a loaded machine a worker can go seconds without
    # running: no watchdog, or it reports the worker lost and fails)
    launch = [os.path.join(ARGS.build, "gst", "tools", "gst-worker-launch"), "-q",
              "--heartbeat-timeout=0", "--stall-timeout=0", "--deadlock=off",
              f"fakesrc num-buffers={n}"] + \
        ["!", "benchworker heartbeat-interval=2"] * bench.stages + ["!", "fakesink"]
    launch = " ".join(launch).split()
    out["heartbeat"] = out["heartbeat_dispatch"] = 0
    if not smoke:
        costs = function_costs(launch, ["gstworkercore.c:heartbeat_cb",
                                        "gstworkercontroller.c:bus_cb"])
        out["heartbeat"] = costs["gstworkercore.c:heartbeat_cb"][0]
        # bus_cb's caller is the bus source's dispatch (static in GStreamer)
        out["heartbeat_dispatch"] = costs["gstworkercontroller.c:bus_cb"][1]
    else:
        proc = subprocess.run(launch, capture_output=True, text=True, timeout=300, cwd=HERE)
        if proc.returncode != 0:
            raise BenchFailure("failed:\n  " + " ".join(launch) + "\n" + proc.stderr[-2000:])
    out["chain_per_item"] = empty + bench.stages * out["per_element"]["ours"]
    if not smoke:
        log(f"[{bench.key}] a heartbeat: {out['heartbeat']:,.0f} instructions posting, "
            f"{out['heartbeat_dispatch']:,.0f} dispatching")

    # chains with queues: the streaming threads' instructions per item
    out["chains"] = {}
    for stages in bench.chains:
        row = {}
        for name, label, element in bench.elements:
            row[name] = streaming_per_item(element, stages, bench.chain_items(smoke), smoke)
            if not smoke:
                log(f"[{bench.key}] chain of {stages}, {label:20s} {row[name]:,.0f} "
                    "instructions per item")
        out["chains"][str(stages)] = row
    return out


def streaming_per_item(element: str, stages: int, items: int, smoke: bool) -> float:
    """Instructions per item of `benchsrc ! queue ! E ! ... ! queue !
    benchsink` in its streaming threads (the source's and the queues':
    stages + 2, the busiest threads), from runs of @items and twice as many,
    so start-up cancels out; one run each (identical runs differ by under
    1% here: the streaming threads do not poll)."""
    counts = []
    for k in (items, 2 * items):
        argv = chain(element, stages, k)
        argv = argv[:1] + ["--check-only"] + argv[1:]
        if smoke:
            proc = subprocess.run(argv, capture_output=True, text=True, timeout=300, cwd=HERE)
            if proc.returncode != 0:
                raise BenchFailure("failed:\n  " + " ".join(argv) + "\n" + proc.stderr[-2000:])
            return 0.0
        runs = []
        for _ in range(1):
            with tempfile.TemporaryDirectory() as tmp:
                proc = subprocess.run(
                    ["valgrind", "--tool=callgrind", "--separate-threads=yes",
                     f"--callgrind-out-file={tmp}/cg"] + argv,
                    capture_output=True, text=True, timeout=900, cwd=HERE,
                    env=dict(os.environ, GLIBC_TUNABLES="glibc.malloc.tcache_count=0"))
                if proc.returncode != 0:
                    raise BenchFailure("failed:\n  " + " ".join(argv) + "\n"
                                       + proc.stderr[-2000:])
                totals = []
                for name in os.listdir(tmp):
                    if name.endswith("-01"):
                        continue  # the main thread
                    with open(os.path.join(tmp, name)) as f:
                        found = re.search(r"^(?:summary|totals): (\d+)", f.read(), re.M)
                    if found:
                        totals.append(int(found.group(1)))
                runs.append(sum(sorted(totals)[-(stages + 2):]))
        counts.append(statistics.median(runs))
    return (counts[1] - counts[0]) / items
