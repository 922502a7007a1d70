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
"""

import argparse
import dataclasses
import datetime
import json
import math
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.path.join(ROOT, "build")  # set from --workerbench in main()
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
CHAIN_PY = os.path.join(HERE, "python", "chain.py")

# the Python model's queues hold 10 items: so do ours
QUEUE = "queue max-size-buffers=10 max-size-bytes=0 max-size-time=0"
FRAME_CAPS = "video/x-raw,format=RGB,width=1920,height=1080,framerate=30/1"
FRAME_BYTES = 1920 * 1080 * 3
SMALL_BYTES = 64


# ---------------------------------------------------------------------------
# what a benchmark is


@dataclasses.dataclass
class Variant:
    """One side of a comparison: a command that prints workerbench's JSON."""

    name: str
    label: str
    argv: "callable"  # (smoke: bool) -> list[str]
    check: "callable | None" = None  # (result: dict) -> error text or None


@dataclasses.dataclass
class Case:
    """One row of a table: the same work done by every variant."""

    label: str
    variants: "list[Variant]"


@dataclasses.dataclass
class Target:
    case: str  # a case label
    variant: str
    minimum: float  # of the ratio variant / baseline (median of rounds)
    text: str


@dataclasses.dataclass
class Bench:
    key: str
    title: str
    about: str
    cases: "list[Case]"
    baseline: str  # variant name ratios are taken against
    targets: "list[Target]"
    latency: bool = False  # show latency columns
    log_scale: bool = False
    rounds: int = 5
    needs: "list[str]" = dataclasses.field(default_factory=list)
    note: "callable | None" = None  # (summaries) -> text under the table, or None
    warmup_runs: int = 0  # runs of each variant before the rounds, not counted
    cpu_profile: bool = False  # sample the process tree's CPU (tree_cpu) in each run


@dataclasses.dataclass
class CostBench:
    """Instructions per item and element, counted by callgrind with every
    element in one thread (no queues): the same count whatever else the
    machine does, where throughput on a shared machine is noise."""

    key: str
    title: str
    about: str
    elements: "list[tuple[str, str, str]]"  # name, label, element description
    baseline: str
    stages: int = 4
    items: "callable" = None  # (smoke) -> int
    needs: "list[str]" = dataclasses.field(default_factory=list)
    chains: "tuple[int, ...]" = ()  # also counted with queues, these lengths
    chain_items: "callable" = None  # (smoke) -> int
    chain_target: float = 0.95  # baseline / ours instructions per item, at least


def workerbench(*pipeline: str) -> "list[str]":
    return [ARGS.workerbench] + " ".join(pipeline).split()


def bench_src(items: int, frames: bool = False, in_flight: int = 0) -> str:
    what = f"caps={FRAME_CAPS}" if frames else f"size={SMALL_BYTES}"
    return f"benchsrc num-buffers={items} {what} max-in-flight={in_flight}"


def chain(element: str, stages: int, items: int, frames: bool = False, in_flight: int = 0) -> "list[str]":
    """benchsrc ! queue ! E ! queue ! E ... ! queue ! benchsink"""
    parts = [bench_src(items, frames, in_flight)]
    for _ in range(stages):
        parts += ["!", QUEUE, "!", element]
    parts += ["!", QUEUE, "!", "benchsink"]
    return workerbench(*parts)


def python_chain(stages: int, items: int, frames: bool = False, in_flight: int = 0,
                 touch: bool = False) -> "list[str]":
    return [PYTHON, CHAIN_PY, "--stages", str(stages), "--items", str(items),
            "--size", str(FRAME_BYTES if frames else SMALL_BYTES),
            "--queue-size", "10", "--max-in-flight", str(in_flight)] + (["--touch"] if touch else [])


def sized(full: int, smoke: int):
    return lambda is_smoke: smoke if is_smoke else full


def heartbeat_check(interval_ms: int, workers: int):
    """Heartbeats really flowed (or did not): a wrong count fails the run."""

    def check(result: dict) -> "str | None":
        got = result["heartbeats"]
        if interval_ms == 0:
            return None if got == 0 else f"{got} heartbeats with heartbeat-interval=0"
        periods = result["seconds"] * 1000.0 / interval_ms
        # a short run (the smoke's) proves no lower bound: on a loaded
        # machine the clock's thread may not run in a few periods
        low = workers * max(int(periods) - 1, 0) if periods >= 10 else 0
        high = workers * (int(periods) + 2)
        if not low <= got <= high:
            return f"{got} heartbeats in {result['seconds']:.2f} s, expected {low} to {high}"
        return None

    return check


# ---------------------------------------------------------------------------
# the benchmarks


def benchmarks() -> "list[Bench]":
    out = [system_benchmark()]

    # 1. hop cost
    items = {1: sized(300000, 2000), 4: sized(150000, 2000), 8: sized(80000, 2000)}
    out.append(Bench(
        key="hop",
        title="Hop cost: chains of no-op workers against stock identity",
        about=(
            "`benchsrc ! queue ! X ! queue ! X ... ! queue ! benchsink` with 1, 4 and 8 "
            "X, every queue 10 items, 64-byte items as fast as they go. X is `benchworker` "
            "(a GstWorkerTransform whose process pushes its input: the worker core and base "
            "class, nothing else; heartbeats at their default 1000 ms) or stock `identity "
            "silent=true`. Target: ours at least 0.8x stock."),
        cases=[
            Case(f"{n} worker{'s' if n > 1 else ''}", [
                Variant("ours", "ours (benchworker)",
                        lambda s, n=n: chain("benchworker", n, items[n](s))),
                Variant("stock", "stock (identity)",
                        lambda s, n=n: chain("identity silent=true", n, items[n](s))),
            ]) for n in (1, 4, 8)],
        baseline="stock",
        targets=[Target(f"{n} worker{'s' if n > 1 else ''}", "ours", 0.8, ">= 0.8x stock")
                 for n in (1, 4, 8)],
    ))

    # 2. against the Python model
    def vs_python(label, frames, in_flight, ours_items, py_items, stages=4, touch=False):
        worker = "benchworker touch=true" if touch else "benchworker"
        return Case(label, [
            Variant("ours", "ours (GStreamer)",
                    lambda s: chain(worker, stages, ours_items(s), frames, in_flight)),
            Variant("python", "Python model",
                    lambda s: python_chain(stages, py_items(s), frames, in_flight, touch)),
        ])

    out.append(Bench(
        key="python",
        title="Against the Python worker model: 1 -> 1 and a 4-stage chain",
        about=(
            "A source, 4 no-op stages and a sink, joined by 5 queues of 10 items. Ours: "
            "`benchworker`s and `queue`s in one process (items passed by reference). Python: "
            "the team's model in stdlib Python (python/): one process per worker, "
            "`multiprocessing.Manager().Queue(maxsize=10)` proxies (every item pickled and "
            "copied through the manager process), a `BoundedSemaphore(1)` pause checked and "
            "an exit flag `Queue(1)` polled every loop, sentinel fill-and-drain at exit; the "
            "main process reads the last queue. Each side runs once, uncounted, before the "
            "rounds (a warm start: the interpreter's files in the page cache, as in the later "
            "rounds). Items: 64 bytes, or a 1920x1080 RGB frame "
            "(6.2 MB). *Full load*: the source goes as fast as the queues let it (latency then "
            "includes waiting in 5 full queues). *One in flight*: the source makes an item "
            "only when the previous one has arrived, which measures the latency of the chain "
            "itself. Latency: arrival at the sink minus creation at the source, same clock "
            "(CLOCK_MONOTONIC) both sides. The *1 -> 1* rows (a source, one queue, the sink: "
            "no stage) compare the Python side with the team's own figures on manager queues, "
            "~9,900 small items/s and ~37 frames/s (numpy frames; these are `bytes`, which "
            "pickle faster), and 13 frames/s over 4 stages. *Pointer only*: the stages never "
            "read the data (and benchsrc hands every item the same memory), so ours moves a "
            "pointer while the Python side pickles and copies 6.2 MB per queue: the model's "
            "transport, not work. *Every stage reads every cache line*: each stage reads one "
            "byte of every 64-byte line of the frame and adds them up, both sides "
            "(`benchworker touch=true`, the Python stage `sum(memoryview(data)[::64])`); ours "
            "still reads the same block of memory item after item, so it may stay in the "
            "cache. Target: at least 100x the Python model's throughput on frames through "
            "the 4 stages (pointer only)."),
        cases=[
            vs_python("small items, 1 -> 1", False, 0, sized(300000, 2000), sized(15000, 200), 0),
            vs_python("frames, 1 -> 1", True, 0, sized(300000, 500), sized(300, 6), 0),
            vs_python("small items, full load", False, 0, sized(150000, 2000), sized(4000, 200)),
            vs_python("frames, full load, pointer only", True, 0, sized(100000, 500),
                      sized(80, 6)),
            vs_python("frames, full load, every stage reads every cache line", True, 0,
                      sized(10000, 100), sized(80, 6), touch=True),
            vs_python("small items, one in flight", False, 1, sized(20000, 500), sized(1000, 50)),
            vs_python("frames, one in flight, pointer only", True, 1, sized(20000, 200),
                      sized(60, 6)),
            vs_python("frames, one in flight, every stage reads every cache line", True, 1,
                      sized(5000, 50), sized(60, 6), touch=True),
        ],
        baseline="python",
        targets=[Target("frames, full load, pointer only", "ours", 100.0, ">= 100x Python")],
        latency=True,
        log_scale=True,
        warmup_runs=1,
    ))

    # 1b. the element alone, counted
    out.append(CostBench(
        key="cost",
        title="Cost of the element alone: instructions per item (callgrind)",
        about=(
            "`benchsrc ! X ! X ! X ! X ! benchsink`, no queues: everything runs in one thread "
            "under callgrind, which counts instructions, so the figure does not move with the "
            "machine's load. Per item and element: the chain's instructions per item (from "
            "runs of N and 2N items, so start-up cancels out; each the median of 3 runs, with "
            "malloc's per-thread cache off, which otherwise splits runs into two groups 5% "
            "apart) minus those of `benchsrc ! benchsink`, over 4. This is what a worker adds to the hop on top of the queue "
            "and the thread switch, which cost the same on both sides. *Chains with queues*: "
            "the hop benchmark's chains of 1, 4 and 8 (`benchsrc ! queue ! X ! queue ... ! "
            "benchsink`, queues of 10), every instruction of the streaming threads per item "
            "(`--separate-threads`; the main and clock threads, which poll for as long as a "
            "run lasts, left out): the throughput the two sides would have if instructions "
            "were all that mattered, which a loaded machine cannot move (the kernel's part "
            "of a thread switch is not counted: the same on both sides), though how often a "
            "queue fills and blocks follows callgrind's interleaving of the threads: the "
            "chain of 1 moved by 5% between runs here, 4 and 8 by 1%. Target: ours at "
            "least 0.95x stock. A heartbeat is counted where a system spends it: posting "
            "(the worker's `heartbeat_cb`: the stats built, the message posted) and "
            "receiving (the bus watch's dispatch in the controller's main loop, which "
            "updates the watchdog), in `gst-worker-launch` running 4 workers at "
            "heartbeat-interval=2 under callgrind."),
        elements=[("ours", "ours (benchworker)", "benchworker"),
                  ("stock", "stock (identity)", "identity silent=true")],
        baseline="stock",
        items=sized(20000, 200),
        chains=(1, 4, 8),
        chain_items=sized(10000, 200),
    ))

    # 3. heartbeat cost
    hb_items = sized(250000, 2000)
    out.append(Bench(
        key="heartbeat",
        title="Heartbeat cost: heartbeat-interval 0 (off), 100 and 1000 ms",
        about=(
            "The 4-worker chain of the hop benchmark with every worker's "
            "`heartbeat-interval` at 0, 100 or 1000 ms; each run also checks the number of "
            "heartbeats posted. Target: at 1000 ms, within 1% of off."),
        cases=[Case("4 workers", [
            Variant(f"hb{ms}", f"{ms} ms" if ms else "off (0)",
                    lambda s, ms=ms: chain(f"benchworker heartbeat-interval={ms}", 4, hb_items(s)),
                    heartbeat_check(ms, 4))
            for ms in (0, 100, 1000)])],
        baseline="hb0",
        targets=[Target("4 workers", "hb1000", 0.99, "1000 ms within 1% of off")],
        rounds=7,
        note=heartbeat_note,
    ))

    # 4. pool scaling (needs workerpool, issue #4)
    pool_items = sized(200, 8)
    jpeg_caps = "video/x-raw,format=I420,width=1920,height=1080,framerate=30/1"
    out.append(Bench(
        key="pool",
        title="Pool scaling: jpegenc on 1080p in a workerpool of 1, 2 and 4",
        about=(
            "`benchsrc caps=I420 1080p ! queue ! workerpool size=N worker=jpegenc ! queue ! "
            "benchsink`; the sink checks that every frame came out, in order. Target (issue "
            "#4): size 2 at least 1.8x size 1 on 2 cores."),
        cases=[Case("jpegenc 1080p", [
            Variant(f"size{n}", f"size {n}",
                    lambda s, n=n: workerbench(
                        f"benchsrc num-buffers={pool_items(s)} caps={jpeg_caps}",
                        "!", QUEUE, "!", f"workerpool size={n} worker=jpegenc",
                        "!", QUEUE, "!", "benchsink"))
            for n in (1, 2, 4)])],
        baseline="size1",
        targets=[Target("jpegenc 1080p", "size2", 1.8, "size 2 >= 1.8x size 1")],
        needs=["workerpool"],
    ))

    # 4b. the target detector alone (issue 5: a 1080p frame in a few ms)
    detect_items = {"GRAY8": sized(2000, 20), "I420": sized(2000, 20),
                    "NV12": sized(2000, 20), "BGRx": sized(500, 10)}
    out.append(Bench(
        key="detect",
        title="Target detection: detecttarget on 1080p frames, one core",
        about=(
            "`benchsrc targets=6 caps=FORMAT 1920x1080 ! detecttarget ! benchsink`, no "
            "queue: one thread, so an item's latency is the time detecttarget takes on the "
            "frame (thresholding every pixel, runs, connected components, filters, six "
            "GstVideoRegionOfInterestMeta) plus a few microseconds of source and sink. "
            "The frame is dark with six bright discs of radius 12 pixels, all six found. "
            "Target (issue #5): a 1080p frame in a few milliseconds on one core."),
        cases=[Case(f"{fmt} 1080p", [
            Variant("detect", "detecttarget",
                    lambda s, fmt=fmt: workerbench(
                        f"benchsrc num-buffers={detect_items[fmt](s)} targets=6 "
                        f"caps=video/x-raw,format={fmt},width=1920,height=1080,"
                        "framerate=30/1", "!", "detecttarget", "!", "benchsink"))])
            for fmt in ("GRAY8", "I420", "NV12", "BGRx")],
        baseline="detect",
        targets=[],
        latency=True,
        needs=["detecttarget"],
        note=detect_note,
    ))

    # 6. workers written in Python (issue 12)
    out += python_worker_benchmarks()

    # 5. end to end: the autonomy system
    frames = sized(760, 40)
    out.append(Bench(
        key="e2e",
        title="End to end: the autonomy system on 1920x1080 frames",
        about=(
            "`pipelines/autonomy.pipeline` (the default of `make run`: flightsimsrc renders the "
            "survey flight, a workerpool of target detectors, timestampmerge with the telemetry, "
            "geolocate, clusterestimate, JSON Lines), not live: frames as fast as the machine "
            "makes them. Frames per second and latency are timed between the camera's `src` "
            "(a rendered frame leaves) and clusterestimate's `sink` (its ground targets arrive), "
            "one item per frame; CPU is the whole process. Every run checks that each frame "
            "arrived, once, in order. The detector pool at 2 (as shipped) and at 1; the "
            "renderer, one thread, is the slowest worker, so the pool changes little here."),
        cases=[Case("760 frames 1080p", [
            Variant(f"pool{n}", f"detect pool {n}",
                    lambda s, n=n: autonomy(frames(s), n))
            for n in (2, 1)])],
        baseline="pool1",
        targets=[],
        latency=True,
        needs=["flightsimsrc", "workerpool"],
        note=e2e_note,
    ))

    # 6. a worker in a child process (issue 13)
    iso_items = {"frames": sized(2000, 20), "small": sized(20000, 200)}

    def isolated(x, what, in_flight, s):
        src = (f"benchsrc num-buffers={iso_items[what](s)} "
               + (f"caps={FRAME_CAPS}" if what == "frames" else f"size={SMALL_BYTES}")
               + f" max-in-flight={in_flight} downstream-allocator=true")
        return workerbench(src, "!", QUEUE, "!", x, "!", QUEUE, "!", "benchsink")

    def iso_case(label, what, in_flight):
        variants = [
            Variant("thread", "in a thread (identity)",
                    lambda s: isolated("identity", what, in_flight, s)),
            Variant("process", "in a child process (processreplica worker=identity)",
                    lambda s: isolated("processreplica worker=identity", what, in_flight, s)),
        ]
        if what == "small":  # over TCP a frame's bytes are copied: small items only
            variants.append(Variant(
                "tcp", "child over loopback TCP (transport=tcp)",
                lambda s: isolated("processreplica transport=tcp worker=identity", what,
                                   in_flight, s)))
        return Case(label, variants)

    out.append(Bench(
        key="isolation",
        title="A worker in a child process: processreplica against the same worker in a thread",
        about=(
            "`benchsrc downstream-allocator=true ! queue ! X ! queue ! benchsink`, X stock "
            "`identity` in the pipeline's process, or `processreplica worker=identity`: the "
            "same identity in a child process, every item and event crossing a unix socket, "
            "frames as memfd descriptors (benchsrc makes its frame with the shared-memory "
            "allocator the replica proposes, as a camera source with a buffer pool does, so "
            "no byte of a frame is copied: the replica's `payload-copies` stays 0, tested in "
            "tests/check/processreplica.c). *One in flight*: the source makes an item when the "
            "previous one arrived, so the latency difference is what isolation adds per item "
            "(two socket round trips, two thread wake-ups per side, a mapping of the frame). "
            "Small items also over `transport=tcp` (the child connects to the replica on the "
            "loopback: the protocol as it would run to another host). "
            "Target (issue 13): under 100 us added per 1080p frame."),
        cases=[iso_case("1080p RGB, one in flight", "frames", 1),
               iso_case("1080p RGB, full load", "frames", 0),
               iso_case("small items, one in flight", "small", 1),
               iso_case("small items, full load", "small", 0)],
        baseline="thread",
        targets=[],
        latency=True,
        needs=["processreplica"],
        note=isolation_note,
    ))

    # 7. GIL-bound Python workers in child processes (issue 13)
    py_plugins = os.path.join(HERE, "python", "gst")
    for var in ("GST_PLUGIN_PATH", "GST_PLUGIN_PATH_1_0"):
        if (var in os.environ or var == "GST_PLUGIN_PATH") and \
                py_plugins not in os.environ.get(var, ""):
            os.environ[var] = ":".join(p for p in (py_plugins, os.environ.get(var)) if p)
    gil_work = 20000  # turns of bench_item.spin per item: ~3 ms here
    gil_items = sized(600, 6)

    def gil_pool(size, isolation, s):
        return workerbench(
            f"benchsrc num-buffers={gil_items(s)} size={SMALL_BYTES}", "!", QUEUE, "!",
            f"workerpool size={size} isolation={isolation} "
            f"worker=\"benchpyworker work={gil_work}\"", "!", QUEUE, "!", "benchsink")

    out.append(Bench(
        key="gil",
        title="Python workers that hold the GIL: a pool of 2 in child processes against 1",
        about=(
            "`benchsrc ! queue ! workerpool size=N isolation=I worker=\"benchpyworker\" ! queue ! "
            f"benchsink`: benchpyworker (tests/bench/python/gst, a GstWorker.Transform in "
            f"Python) passes each item on after {gil_work} turns of a pure-Python loop, which "
            "holds the interpreter lock throughout. In child processes (isolation=process) each "
            "replica has its own lock; in threads (isolation=thread) the two take turns on one. "
            "The Python model does the same work: the team's stdlib model (python/chain.py) "
            "with one stage of 2 duplicated worker processes (which do not keep the items' "
            "order; ours do). Target (issue 13): 2 in processes at least 1.7x 1 on 2 cores."),
        cases=[Case("pure-Python work, 2 cores", [
            Variant("proc1", "1 in a child process", lambda s: gil_pool(1, "process", s)),
            Variant("proc2", "2 in child processes", lambda s: gil_pool(2, "process", s)),
            Variant("thread2", "2 in threads (one GIL)", lambda s: gil_pool(2, "thread", s)),
            Variant("python2", "Python model, 2 processes",
                    lambda s: [PYTHON, CHAIN_PY, "--stages", "1", "--replicas", "2",
                               "--work", str(gil_work), "--items", str(gil_items(s)),
                               "--size", str(SMALL_BYTES), "--queue-size", "10"]),
        ])],
        baseline="proc1",
        targets=[Target("pure-Python work, 2 cores", "proc2", 1.7, "2 processes >= 1.7x 1")],
        needs=["processreplica", "benchpyworker"],
        cpu_profile=True,
        note=gil_note,
    ))

    # 8. the workerstats tracer's cost (issue 17)
    tr_items = sized(150000, 2000)
    tr_log = os.path.join(tempfile.gettempdir(), "workerstats-bench.log")

    def traced(tracer):
        env = ["env", f"GST_TRACERS={tracer}", "GST_DEBUG=GST_TRACER:7",
               f"GST_DEBUG_FILE={tr_log}"] if tracer else []
        return lambda s: env + chain("identity silent=true", 4, tr_items(s))

    def tracer_logged(result: dict) -> "str | None":
        with open(tr_log, errors="replace") as f:
            if "workerstats-element," not in f.read():
                return f"workerstats logged nothing to {tr_log} (not on GST_PLUGIN_PATH?)"
        return None

    out.append(Bench(
        key="tracer",
        title="Tracer cost: the 4-element stock chain under GST_TRACERS=workerstats",
        about=(
            "The hop benchmark's chain of 4 stock `identity silent=true` joined by queues of "
            "10, 64-byte items as fast as they go: no tracer; `GST_TRACERS=factories` "
            "(GStreamer's own tracer that does nothing per item: what any tracer with a "
            "GStreamer hook costs, since GStreamer 1.22 then looks up its hook table at every "
            "pad push, object and buffer ref and unref); and `GST_TRACERS=workerstats` logging "
            "every 100 ms to a file (GST_DEBUG=GST_TRACER:7), which registers no hook (it wraps "
            "the elements' chain functions). The ratios are against no tracer. Targets: "
            "workerstats within 5% of no tracer (issue 17), and at least as fast as the "
            "`factories` floor."),
        cases=[Case("4 stock elements", [
            Variant("off", "no tracer", traced(None)),
            Variant("floor", "factories (tracing floor)", traced("factories")),
            Variant("workerstats", "workerstats", traced("workerstats"), check=tracer_logged),
        ])],
        baseline="off",
        targets=[Target("4 stock elements", "workerstats", 0.95, "within 5% of no tracer")],
        note=tracer_note,
    ))

    return out


SYSTEM_PY = os.path.join(HERE, "python", "autonomy_system.py")
AUTONOMY_PIPELINE = os.path.join(ROOT, "pipelines", "autonomy.pipeline")


def autonomy_text() -> str:
    with open(AUTONOMY_PIPELINE) as f:
        return " ".join(line for line in f.read().splitlines()
                        if not line.lstrip().startswith("#"))


def autonomy_targets() -> "list[tuple[float, float]]":
    """The ground truth: flightsimsrc's targets in the pipeline."""
    found = re.search(r'targets="([^"]+)"', autonomy_text())
    return [tuple(float(x) for x in t.split(",")) for t in found.group(1).split(";")]


def final_estimates(path: str) -> "list[dict]":
    """The final estimates of a JSON Lines file of clusterestimate's."""
    out = []
    with open(path) as f:
        for line in f:
            e = json.loads(line)
            if e.get("type") == "target-estimate" and e.get("final"):
                out.append({k: e[k] for k in ("id", "north", "east", "count")})
    return out


def estimates_check(scratch: "str | None"):
    """Every final estimate within 1.5 m of a target of the flight, and on
    the whole flight every target found (what tests/check/autonomysystem.c
    asks). With @scratch, the estimates are read from the run's file and
    kept in its result, as the Python model's runner keeps them."""

    def check(result: dict) -> "str | None":
        if scratch:
            result["final_estimates"] = final_estimates(
                os.path.join(scratch, "autonomy-estimates.jsonl"))
        finals = result.get("final_estimates", [])
        truth = autonomy_targets()
        for e in finals:
            d = min(math.hypot(e["north"] - n, e["east"] - east) for n, east in truth)
            if d > 1.5:
                return f"estimate {e['id']} is {d:.2f} m from every target"
        if result["items"] >= 760 and len(finals) != len(truth):
            return f"{len(finals)} final estimates for {len(truth)} targets"
        return None

    return check


def system_benchmark() -> Bench:
    """The whole autonomy system, ours against the Python worker model."""
    frames = sized(760, 20)
    scratch = os.path.join(tempfile.gettempdir(), "gst-workers-bench")

    def model(s):
        out = os.path.join(scratch, "model")
        os.makedirs(out, exist_ok=True)
        camera = re.search(r"flightsimsrc .*?(?=\s!)", autonomy_text()).group(0)
        return [PYTHON, SYSTEM_PY, "--frames", str(frames(s)), "--detectors", "2",
                "--queue-size", "10", "--hfov", "60", "--out", out, "--camera", camera]

    return Bench(
        key="system",
        title="The autonomy system: ours against the Python worker model, 760 frames of 1080p",
        about=(
            "The whole of `pipelines/autonomy.pipeline` (the simulated survey flight: 760 "
            "frames of 1920x1080 GRAY8 and their telemetry, a pool of 2 target detectors, "
            "the timestamp merge with the odometry, geolocation, DBSCAN clustering, JSON "
            "Lines out), not live: frames as fast as the system takes them. *Ours*: the "
            "pipeline as shipped (C `detecttarget`), and the same pipeline with "
            "`pydetecttarget` (the detector in Python, numpy and OpenCV, in threads of our "
            "process). *Python model*: the same system in the team's model "
            "(python/autonomy_system.py, python/system/): a process per worker (camera, 2 "
            "detectors, merge, geolocation, clustering, 2 JSON writers) joined by "
            "`multiprocessing.Manager().Queue(maxsize=10)` proxies, pause and exit as in the "
            "team's code; its camera driver is the same flight simulation (flightsimsrc in "
            "the camera process, the frame copied into a numpy array), its detector "
            "pydetecttarget's numpy/OpenCV code, then numpy geolocation and DBSCAN doing "
            "clusterestimate's work. Frames per second and latency from a rendered frame "
            "leaving the camera to its ground targets reaching the clustering worker, one "
            "item per frame, over the frames after the first 10%. CPU: all the processes "
            "together (200% is both cores). Every run checks that each frame arrived once "
            "and that every target was found within 1.5 m."),
        cases=[Case("760 frames 1080p", [
            Variant("ours", "ours (detecttarget)",
                    lambda s: autonomy(frames(s), 2, scratch=os.path.join(scratch, "ours")),
                    estimates_check(os.path.join(scratch, "ours"))),
            Variant("ourspy", "ours (pydetecttarget)",
                    lambda s: autonomy(frames(s), 2, "pydetecttarget",
                                       os.path.join(scratch, "ourspy")),
                    estimates_check(os.path.join(scratch, "ourspy"))),
            Variant("model", "Python model", model, estimates_check(None)),
        ])],
        baseline="model",
        targets=[],
        latency=True,
        needs=["flightsimsrc", "workerpool", "pydetecttarget"],
        note=system_note,
    )


def system_note(summaries: dict) -> "str | None":
    rows = summaries.get("system")
    if not rows:
        return None
    row = next(iter(rows.values()))
    labels = {"ours": "ours (detecttarget)", "ourspy": "ours (pydetecttarget)",
              "model": "Python model"}
    parts = []
    for name, label in labels.items():
        runs = row[name]["runs"]
        mem = statistics.median(r.get("peak_rss_kb", 0) for r in runs) / 1024
        per_frame = statistics.median(r["cpu_percent"] * r["seconds"] / 100 / r["items"] * 1e3
                                      for r in runs)
        parts.append(f"{label} **{per_frame:.1f} ms** of CPU per frame "
                     f"({row[name]['cpu_percent']:.0f}% of a core while it ran), peak memory "
                     f"**{mem:,.0f} MB**")
    text = ("CPU and memory (medians): " + "; ".join(parts) + ". CPU: all the work of the "
            "run (start-up included) over its frames, which the load moves less than the "
            "percentage (a starved run lasts longer, so its percentage falls). Memory: ours, the "
            "process's peak resident set (getrusage); the Python model, the largest total "
            "resident set of its 10 processes at one moment (sampled every 20 ms; pages the "
            "forked processes share count in each).")
    # the same estimates on both sides
    diffs = []
    for ours_run, model_run in zip(row["ours"]["runs"], row["model"]["runs"]):
        a = {e["id"]: e for e in ours_run.get("final_estimates", [])}
        for e in model_run.get("final_estimates", []):
            if e["id"] in a:
                diffs.append(math.hypot(e["north"] - a[e["id"]]["north"],
                                        e["east"] - a[e["id"]]["east"]))
    if diffs:
        count = len(row["model"]["runs"][0].get("final_estimates", []))
        same = ("**the same as ours** to within 1e-9 m" if max(diffs) < 1e-9 else
                f"within **{max(diffs):.2g} m** of ours")
        text += (f" Final estimates: {count} target{'s' if count != 1 else ''} on each "
                 f"side, the Python model's {same} in every round (the same detections, "
                 "the same clustering).")
    return text


def python_worker_benchmarks() -> "list[Bench]":
    """Workers written in Python (elements/python, tests/elements/python),
    loaded by gst-python's plugin loader into workerbench's process."""
    out = []
    py_items = {1: sized(20000, 200), 4: sized(8000, 200)}
    out.append(Bench(
        key="pyworker",
        title="Python workers: what a worker written in Python adds per item",
        about=(
            "The chains of the hop benchmark (64-byte items, queues of 10) with 1 and 4 "
            "no-op workers: `pytestworker` (a `GstWorker.Transform` subclass in Python whose "
            "`do_process` pushes its input: PyGObject's call into Python and back, the GIL, "
            "the override's checks) against the C `benchworker`. With 4 stages the four "
            "Python workers share one interpreter: one runs Python at a time."),
        cases=[
            Case(f"{n} worker{'s' if n > 1 else ''}", [
                Variant("python", "Python worker",
                        lambda s, n=n: chain("pytestworker", n, py_items[n](s))),
                Variant("c", "C worker",
                        lambda s, n=n: chain("benchworker", n, py_items[n](s))),
            ]) for n in (1, 4)],
        baseline="c",
        targets=[],
        latency=True,
        needs=["pytestworker"],
        note=pyworker_note,
    ))

    frame = "video/x-raw,format=I420,width=1920,height=1080,framerate=30/1"

    def pydetect(items, pool=0, in_flight=0):
        worker = (f"workerpool size={pool} worker=pydetecttarget" if pool
                  else "pydetecttarget")
        return workerbench(f"benchsrc num-buffers={items} targets=6 caps={frame} "
                           f"max-in-flight={in_flight}", "!", QUEUE, "!", worker, "!",
                           QUEUE, "!", "benchsink")

    def model(items, in_flight=0):
        return [PYTHON, CHAIN_PY, "--stages", "1", "--items", str(items), "--detect", "6",
                "--queue-size", "10", "--max-in-flight", str(in_flight)]

    ours_n, model_n = sized(600, 10), sized(150, 4)
    out.append(Bench(
        key="pydetect",
        title="The Python detector: our pipeline against the Python worker model",
        about=(
            "The same detector code (elements/python/targetdetector.py: numpy and OpenCV) on "
            "1920x1080 I420 frames with six targets, all six found in every frame (a wrong "
            "count fails the run). Ours: `benchsrc ! queue ! pydetecttarget ! queue ! "
            "benchsink`, one process, frames by reference. Python model: the team's model "
            "(python/chain.py --detect): a source process, a detector process and main, "
            "joined by `Manager().Queue(maxsize=10)` proxies (each frame pickled and copied "
            "through the manager process twice). *Full load*: the source as fast as the "
            "queues take; *one in flight*: a frame made when the previous one arrived, the "
            "latency of the system itself."),
        cases=[
            Case("1080p, full load", [
                Variant("ours", "ours (pydetecttarget)", lambda s: pydetect(ours_n(s))),
                Variant("model", "Python model", lambda s: model(model_n(s))),
            ]),
            Case("1080p, one in flight", [
                Variant("ours", "ours (pydetecttarget)",
                        lambda s: pydetect(ours_n(s) // 2, in_flight=1)),
                Variant("model", "Python model", lambda s: model(model_n(s) // 2 + 2, 1)),
            ]),
        ],
        baseline="model",
        targets=[],
        latency=True,
        needs=["pydetecttarget"],
    ))

    pool_n = sized(600, 10)
    out.append(Bench(
        key="pypool",
        title="A pool of Python detectors: 2 replicas against 1",
        about=(
            "`benchsrc targets=6 caps=I420 1080p ! queue ! workerpool size=N "
            "worker=pydetecttarget ! queue ! benchsink`. The replicas are threads of one "
            "process and share one Python interpreter: they run in parallel only while "
            "OpenCV and numpy work with the GIL released (thresholding, labelling, the "
            "reductions), and take turns for the Python in between (the loop over targets, "
            "the metas). Reported as measured, on 2 cores; the process isolation of the pool "
            "(another issue) removes the GIL from the picture."),
        cases=[Case("pydetecttarget 1080p", [
            Variant(f"size{n}", f"size {n}", lambda s, n=n: pydetect(pool_n(s), pool=n))
            for n in (1, 2)])],
        baseline="size1",
        targets=[],
        latency=True,
        needs=["pydetecttarget", "workerpool"],
    ))
    return out


def pyworker_note(summaries: dict) -> "str | None":
    rows = summaries.get("pyworker")
    if not rows or "1 worker" not in rows:
        return None
    row = rows["1 worker"]
    added = 1e6 / row["python"]["items_per_s"]["median"] - 1e6 / row["c"]["items_per_s"]["median"]
    return (f"A Python worker's time per item, over a C worker's (1 / throughput, one worker, "
            f"medians): **{added:.0f} us** more per item.")


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


def tracer_note(summaries: dict) -> "str | None":
    """Counted instead of timed: the tracer's own work per item, which the
    machine's load does not move."""
    if ARGS.smoke or not shutil.which("valgrind") or "tracer" not in summaries:
        return None
    # its samples (every 100 ms) are left out: under callgrind a run lasts
    # 50 times longer and would hold 50 times more of them per item
    ours_tracer = "workerstats(period=1000000)"
    off, floor, ours = (tracer_instructions(t) for t in (None, "factories", ours_tracer))
    own = own_instructions(ours_tracer, 5000, False)
    hop_own = own_instructions(ours_tracer, 2000, True)
    if own <= 0 or hop_own <= 0:
        raise BenchFailure("workerstats did not run under callgrind (not on GST_PLUGIN_PATH?)")
    return ("Counted instead of timed (callgrind). One thread, `benchsrc ! identity x4 ! "
            f"benchsink` (medians of 3): {off:,.0f} instructions per item without a tracer, "
            f"{floor:,.0f} with `factories` (the floor of any tracer with a GStreamer hook, "
            f"{100 * (floor - off) / off:.0f}% more), {ours:,.0f} with workerstats: "
            f"**{100 * (ours - off) / off:.1f}% over no tracer, {100 * (ours - floor) / floor:.1f}% "
            f"against the floor**; its own code and clock reads: {own:,.0f} per item (5 chain "
            f"calls). The hop chain (a queue before each element, 10 chain calls an item): "
            f"workerstats' own code and clock reads {hop_own:,.0f} per item (its whole count "
            "is not compared: it moves by up to 1.7x between runs under valgrind, with how the "
            "threads hand items over; the timed table above is its comparison).")


def gil_note(summaries: dict) -> "str | None":
    """The load-independent side of the GIL benchmark: each run's process
    tree CPU in its measured window (sampled from /proc), and the speed-up
    that CPU predicts on 2 free cores; then each round's ratio with the load
    it was measured under."""
    row = summaries.get("gil", {}).get("pure-Python work, 2 cores")
    if not row:
        return None

    def med(name, key):
        vals = [r["tree_cpu"][key] for r in row[name]["runs"] if r.get("tree_cpu")]
        return statistics.median(vals) if vals else None

    parts = []
    for name, label in (("proc1", "1 process"), ("proc2", "2 processes"),
                        ("thread2", "2 threads"), ("python2", "Python model")):
        if name in row and med(name, "ms_per_item") is not None:
            parts.append(f"{label} {med(name, 'ms_per_item'):.3f} ms/item on "
                         f"{med(name, 'cores'):.2f} cores (busiest process "
                         f"{med(name, 'busiest_cores'):.2f})")
    if not parts:
        return None
    text = ("CPU of the whole process tree while the measured items passed (user+system, "
            "sampled from /proc; far less load-dependent than items/s), median over the runs: "
            + "; ".join(parts) + ".")
    c1, c2 = med("proc1", "ms_per_item"), med("proc2", "ms_per_item")
    w1, w2 = med("proc1", "children_ms_per_item"), med("proc2", "children_ms_per_item")
    if c1 and c2 and w1 and w2:
        # a free machine: each worker's process is serial (its CPU per item
        # it handles), and the whole tree has 2 cores
        r1 = min(1 / w1, 2 / c1)
        r2 = min(2 / w2, 2 / c2)
        text += (f" On 2 free cores that CPU predicts 2 processes / 1 = **{r2 / r1:.2f}x**: one "
                 f"process is bounded by its worker's child ({w1:.3f} ms per item, serial: "
                 f"{1 / w1 * 1e3:.0f} items/s), two by {'their children' if 2 / w2 < 2 / c2 else 'the whole tree on 2 cores'} "
                 f"({w2:.3f} ms of the children, {c2:.3f} ms of the tree per item: "
                 f"{min(2 / w2, 2 / c2) * 1e3:.0f} items/s). The hand-off latency between items "
                 "is not in that model. Under load the measured ratio is not that: the kernel "
                 "gives each runnable process its share, so 2 processes get about twice the CPU "
                 "of 1 whatever the cores; and on this virtual machine a process's CPU per item "
                 "grows with what the host runs beside it.")
    rounds = [f"{b['items_per_s'] and a['items_per_s'] / b['items_per_s']:.2f}x "
              f"(others {min(a['other_cores'], b['other_cores']):.2f}-"
              f"{max(a['other_cores'], b['other_cores']):.2f} cores, loadavg {a['loadavg']:.0f})"
              for a, b in zip(row["proc2"]["runs"], row["proc1"]["runs"])]
    text += " Each round's 2 processes / 1, with the load it ran under: " + ", ".join(rounds) + "."
    return text


def isolation_note(summaries: dict) -> "str | None":
    iso = summaries.get("isolation")
    if not iso:
        return None
    parts = []
    for case in ("1080p RGB, one in flight", "small items, one in flight"):
        row = iso.get(case)
        if row:
            added = row["process"]["latency_median_us"] - row["thread"]["latency_median_us"]
            parts.append((case, added))
    text = "; ".join(f"{case}: {added:.0f} us" for case, added in parts)
    frame = dict(parts).get("1080p RGB, one in flight")
    verdict = "" if frame is None else (
        " Target, under 100 us per 1080p frame: " + ("met." if frame < 100 else "**not met**."))
    return f"Added per item by isolation (median latency, process minus thread): {text}.{verdict}"


def detect_note(summaries: dict) -> "str | None":
    detect = summaries.get("detect")
    if not detect:
        return None
    per = ", ".join(f"{case.split()[0]} {1000 / row['detect']['items_per_s']['median']:.2f} ms"
                    for case, row in detect.items())
    worst = max(1000 / row["detect"]["items_per_s"]["median"] for row in detect.values())
    verdict = "met" if worst < 5 else "**not met**"
    return (f"Time per frame (1 / throughput, median): {per}. Target, a 1080p frame in a "
            f"few milliseconds on one core (read: under 5 ms): {verdict}.")


def e2e_note(summaries: dict) -> "str | None":
    e2e = summaries.get("e2e")
    if not e2e:
        return None
    cpu = ", ".join(f"detect pool {v[4:]}: {s['cpu_percent']:.0f}%"
                    for v, s in next(iter(e2e.values())).items())
    return f"CPU use of the whole process (median; 200% is both cores): {cpu}."


def autonomy(frames: int, pool: int, detector: str = "detecttarget",
             scratch: "str | None" = None) -> "list[str]":
    """workerbench on pipelines/autonomy.pipeline, @frames frames, the
    detector pool at @pool of @detector, its JSON Lines files written in a
    scratch folder (they are the pipeline's output, not figures)."""
    text = autonomy_text()
    scratch = scratch or os.path.join(tempfile.gettempdir(), "gst-workers-bench")
    os.makedirs(scratch, exist_ok=True)
    text = re.sub(r"num-buffers=\d+", f"num-buffers={frames}", text, count=1)
    text = re.sub(r"(name=detect size=)\d+", rf"\g<1>{pool}", text)
    text = text.replace('worker="detecttarget"', f'worker="{detector}"')
    text = re.sub(r"location=(\S+)", lambda m: "location=" + os.path.join(scratch, m.group(1)),
                  text)
    return workerbench("--from=camera:src", "--to=estimate:sink", text)


# ---------------------------------------------------------------------------
# running


class BenchFailure(Exception):
    pass


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


# ---------------------------------------------------------------------------
# the process tree's CPU, sampled while a run goes on


def proc_stat(pid: int) -> "tuple[int, float, float] | None":
    """(parent pid, own CPU s, CPU s of its reaped children) of a process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    hz = os.sysconf("SC_CLK_TCK")
    return (int(fields[1]), (int(fields[11]) + int(fields[12])) / hz,
            (int(fields[13]) + int(fields[14])) / hz)


def tree_sample(root: int, known: "set[int]", rescan: bool) -> "tuple[float, dict]":
    """The CPU the root used so far with what it reaped (seconds), and each
    live process's own (its descendants' by pid, the root's as "root")."""
    if rescan:
        parents = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                st = proc_stat(int(name))
                if st:
                    parents[int(name)] = st[0]
        grown = True
        while grown:
            grown = False
            for pid, ppid in parents.items():
                if ppid in known | {root} and pid not in known:
                    known.add(pid)
                    grown = True
    st = proc_stat(root)
    total = st[1] + st[2] if st else 0.0
    per = {"root": st[1]} if st else {}
    for pid in list(known):
        st = proc_stat(pid)
        if st is None:
            known.discard(pid)
            continue
        per[pid] = st[1]
    return total, per


def run_sampled(argv: "list[str]"):
    """Runs @argv as subprocess.run would, sampling its process tree's CPU
    every 0.1 s. Returns: (the completed process, [(time, the root's CPU s
    with what it reaped, {pid: own CPU s})], the time its figures came)."""
    import threading
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=HERE)
    out, err, t_line = [], [], [None]

    def read(stream, into, stamp):
        for line in stream:
            into.append(line)
            if stamp and t_line[0] is None and line.startswith(("{", "# all items arrived")):
                t_line[0] = time.monotonic()

    readers = [threading.Thread(target=read, args=(proc.stdout, out, True)),
               threading.Thread(target=read, args=(proc.stderr, err, False))]
    for t in readers:
        t.start()
    samples, known, n = [], set(), 0
    deadline = time.monotonic() + 900
    while proc.poll() is None and time.monotonic() < deadline:
        # (every sample while processes start, then every 0.5 s)
        total, per = tree_sample(proc.pid, known, rescan=n < 30 or n % 5 == 0)
        samples.append((time.monotonic(), total, per))
        n += 1
        time.sleep(0.1)
    if proc.poll() is None:
        proc.kill()
        proc.wait()
        raise subprocess.TimeoutExpired(argv, 900)
    for t in readers:
        t.join()
    done = subprocess.CompletedProcess(argv, proc.returncode, "".join(out), "".join(err))
    return done, samples, t_line[0]


def steady_cpu(samples: list, t_line: "float | None", result: dict) -> "dict | None":
    """The tree's CPU in the run's measured window (the items after the
    warm-up, ending when the figures were printed, at EOS): CPU per item
    (ms), cores used, and the busiest process's share. None if the window
    holds too few samples."""
    if t_line is None or result["items_per_s"] <= 0:
        return None
    window = (result["measured"] - 1) / result["items_per_s"]
    t0, t1 = t_line - 0.9 * window, t_line - 0.05 * window
    inside = [s for s in samples if t0 <= s[0] <= t1]
    if len(inside) < 3:
        return None
    a, b = inside[0], inside[-1]
    span, items = b[0] - a[0], (b[0] - a[0]) * result["items_per_s"]
    # the processes there all along (the root with what it reaped)
    used = {p: b[2][p] - a[2][p] for p in b[2] if p in a[2]}
    cpu = sum(used.values()) - used.get("root", 0.0) + (b[1] - a[1])
    busiest = max(used.values(), default=0.0)
    children = sum(v for p, v in used.items() if p != "root")
    return {"ms_per_item": round(1e3 * cpu / items, 4),
            "cores": round(cpu / span, 3),
            "children_ms_per_item": round(1e3 * children / items, 4),
            "busiest_cores": round(busiest / span, 3),
            "busiest_ms_per_item": round(1e3 * busiest / items, 4),
            "window_s": round(span, 2)}


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
    launch = [os.path.join(BUILD, "gst", "tools", "gst-worker-launch"), "-q",
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


def cost_table(bench: CostBench, summary: dict) -> str:
    base = summary["per_element"][bench.baseline]
    base_label = next(l for n, l, _ in bench.elements if n == bench.baseline)
    lines = ["| element | instructions per item and element | relative speed "
             f"({base_label.split(' (')[0]} = 1) |", "|---|---|---|"]
    for name, label, _ in bench.elements:
        cost = summary["per_element"][name]
        speed = base / cost if cost > 0 else float("nan")
        lines.append(f"| {label} | **{cost:,.0f}** | {speed:.2f}x |")
    lines.append(f"| (the source and sink, per item) | {summary['empty_chain']:,.0f} | |")
    chains = summary.get("chains")
    if chains:
        ours_label = next(l for n, l, _ in bench.elements if n == "ours")
        lines += ["", f"| chain with queues | {ours_label} instructions per item | "
                  f"{base_label} instructions per item | counted throughput, ours / stock | "
                  "target |", "|---|---|---|---|---|"]
        for stages, row in chains.items():
            ratio = row[bench.baseline] / row["ours"] if row["ours"] > 0 else float("nan")
            met = "met" if ratio >= bench.chain_target else "**not met**"
            lines.append(f"| {stages} worker{'s' if stages != '1' else ''} | "
                         f"{row['ours']:,.0f} | {row[bench.baseline]:,.0f} | **{ratio:.3f}x** | "
                         f">= {bench.chain_target}x stock: {met} |")
    lines.append("")
    total = summary["heartbeat"] + summary.get("heartbeat_dispatch", 0)
    lines.append(f"A heartbeat costs **{total:,.0f}** instructions: "
                 f"{summary['heartbeat']:,.0f} to post it (the core's stats built, the message "
                 f"posted) and {summary.get('heartbeat_dispatch', 0):,.0f} to receive it (the "
                 "controller's bus watch: the dispatch, its callback, the watchdog's update).")
    return "\n".join(lines)


def heartbeat_note(summaries: dict) -> "str | None":
    """The heartbeats' share of the work, from counted instructions: a
    figure the machine's load does not move."""
    cost, hb = summaries.get("cost"), summaries.get("heartbeat")
    if not cost or not hb or not cost.get("heartbeat"):
        return None
    rate = hb["4 workers"]["hb0"]["items_per_s"]["median"]
    # the chain of 4 with its queues, counted, if it was (else without)
    per_item = cost.get("chains", {}).get("4", {}).get("ours") or cost["chain_per_item"]
    work = rate * per_item  # instructions per second, at least
    each = cost["heartbeat"] + cost.get("heartbeat_dispatch", 0)
    shares = {ms: 4 * (1000 / ms) * each / work for ms in (100, 1000)}
    return ("Counted instead of timed: 4 workers post 4 heartbeats a second at 1000 ms, "
            f"{each:,.0f} instructions each with the bus dispatch (callgrind, above), against "
            "at least "
            f"{per_item:,.0f} instructions per item at {fmt_rate(rate)} items/s: "
            f"**{100 * shares[1000]:.4f}%** of the work at 1000 ms, "
            f"{100 * shares[100]:.3f}% at 100 ms.")


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


# ---------------------------------------------------------------------------
# figures


@dataclasses.dataclass
class Stat:
    median: float
    low: float
    high: float


def stat(values: "list[float]") -> Stat:
    return Stat(statistics.median(values), min(values), max(values))


def rates(runs: "list[dict]") -> "list[float]":
    return [r["items_per_s"] for r in runs]


def paired_ratio(runs: "list[dict]", base: "list[dict]") -> Stat:
    return stat([a / b for a, b in zip(rates(runs), rates(base))])


def summarize(bench: Bench, results: dict) -> dict:
    out = {}
    for case in bench.cases:
        row = {}
        base = results[case.label][bench.baseline]
        for v in case.variants:
            runs = results[case.label][v.name]
            row[v.name] = {
                "items_per_s": dataclasses.asdict(stat(rates(runs))),
                "latency_median_us": statistics.median(r["latency_us"]["median"] for r in runs),
                "latency_p99_us": statistics.median(r["latency_us"]["p99"] for r in runs),
                "cpu_percent": statistics.median(r["cpu_percent"] for r in runs),
                # what the rest of the machine used during these runs, cores
                "other_cores": dataclasses.asdict(stat([r.get("other_cores", 0.0)
                                                         for r in runs])),
                "ratio": dataclasses.asdict(paired_ratio(runs, base)),
                # how many times shorter than the baseline's, per round
                "latency_ratio": dataclasses.asdict(stat(
                    [b["latency_us"]["median"] / max(r["latency_us"]["median"], 1e-3)
                     for r, b in zip(runs, base)])),
                "runs": runs,
            }
        out[case.label] = row
    return out


def fmt_rate(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def fmt_us(us: float) -> str:
    if us >= 1e6:
        return f"{us / 1e6:.3g} s"
    if us >= 1e3:
        return f"{us / 1e3:.3g} ms"
    return f"{us:.3g} µs"


def fmt_ratio(x: float) -> str:
    return f"{x:,.0f}x" if x >= 100 else f"{x:.3g}x"


def target_status(bench: Bench, summary: dict) -> "list[tuple[Target, float, bool]]":
    out = []
    for t in bench.targets:
        ratio = summary[t.case][t.variant]["ratio"]["median"]
        out.append((t, ratio, ratio >= t.minimum))
    return out


def table(bench: Bench, summary: dict) -> str:
    variants = bench.cases[0].variants
    others = [v for v in variants if v.name != bench.baseline]
    base = next(v for v in variants if v.name == bench.baseline)
    head = ["case"] + [f"{v.label} items/s" for v in variants]
    if bench.latency:
        head += [f"{v.label} latency median / p99" for v in variants]
    short = {v.name: v.label.split(' (')[0] for v in variants}
    if len(set(short.values())) < len(short):  # "ours (a)", "ours (b)": keep them apart
        short = {v.name: v.label for v in variants}
    head += [f"{short[v.name]} / {short[base.name]} items/s" for v in others]
    if bench.latency:
        head += [f"{short[base.name]} / {short[v.name]} latency" for v in others]
    head += ["target"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    status = {(t.case, t.variant): (t, ok) for t, _, ok in target_status(bench, summary)}
    for case in bench.cases:
        row = summary[case.label]
        cells = [case.label]
        for v in variants:
            s = row[v.name]["items_per_s"]
            cells.append(f"**{fmt_rate(s['median'])}** ({fmt_rate(s['low'])}–{fmt_rate(s['high'])})")
        if bench.latency:
            for v in variants:
                cells.append(f"{fmt_us(row[v.name]['latency_median_us'])} / "
                             f"{fmt_us(row[v.name]['latency_p99_us'])}")
        for v in others:
            r = row[v.name]["ratio"]
            cells.append(f"**{fmt_ratio(r['median'])}** ({fmt_ratio(r['low'])}–{fmt_ratio(r['high'])})")
        if bench.latency:
            for v in others:
                r = row[v.name]["latency_ratio"]
                cells.append(f"{fmt_ratio(r['median'])} ({fmt_ratio(r['low'])}–{fmt_ratio(r['high'])})")
        marks = [f"{t.text}: {'met' if ok else '**not met**'}"
                 for (c, _), (t, ok) in status.items() if c == case.label]
        cells.append("; ".join(marks) if marks else "")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def load_line(bench: Bench, summary: dict) -> "str | None":
    """The load each row was measured under: the CPU other processes used
    during its runs (cores; 2 is the whole machine), median (min-max)."""
    parts = []
    for case in bench.cases:
        loads = [r.get("other_cores") for v in summary[case.label].values()
                 for r in v.get("runs", []) if r.get("other_cores") is not None]
        if loads:
            s = stat(loads)
            parts.append(f"{case.label}: {s.median:.2f} ({s.low:.2f}–{s.high:.2f})"
                         if len(bench.cases) > 1 else f"{s.median:.2f} ({s.low:.2f}–{s.high:.2f})")
    if not parts:
        return None
    return ("Load: the CPU other processes used during each run, in cores (of 2), median "
            "(min–max) over the runs: " + "; ".join(parts) + ".")


def plot(bench: Bench, summary: dict, png: str, workdir: str) -> bool:
    """Bar charts of items/s (median, min-max bars), and of latency (median,
    p99) when the benchmark shows it. False without gnuplot."""
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        log("gnuplot not found: no plot (install gnuplot-nox)")
        return False
    variants = bench.cases[0].variants
    dat = os.path.join(workdir, f"{bench.key}.dat")
    with open(dat, "w") as f:
        for case in bench.cases:
            cols = [f'"{case.label}"']
            for v in variants:
                row = summary[case.label][v.name]
                s = row["items_per_s"]
                cols += [f"{s['median']:.6g}", f"{s['low']:.6g}", f"{s['high']:.6g}",
                         f"{row['latency_median_us']:.6g}", f"{row['latency_p99_us']:.6g}"]
            f.write(" ".join(cols) + "\n")
    k = 5  # columns per variant
    rate_series = ", ".join(
        f"'{dat}' using {2 + k * i}:{3 + k * i}:{4 + k * i}:xtic(1) title '{v.label}'"
        for i, v in enumerate(variants))
    # latency: median as the bar, p99 as the top of its error bar
    lat_series = ", ".join(
        f"'{dat}' using {5 + k * i}:{5 + k * i}:{6 + k * i}:xtic(1) title '{v.label}'"
        for i, v in enumerate(variants))
    common = f"""
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set grid ytics
set key top right
set xrange [-0.6:{len(bench.cases) - 0.4}]
"""
    log_y = "set logscale y\nset yrange [1:*]" if bench.log_scale else "set yrange [0:*]"
    if bench.latency:
        script = f"""
set terminal pngcairo size 900,820 font 'sans,10'
set output '{png}'
{common}
set multiplot layout 2,1 title "{bench.title}"
set ylabel 'items/s (median, bars: min-max)'
{log_y}
plot {rate_series}
set ylabel 'latency, µs (median, bar to p99)'
set logscale y
set yrange [10:*]
plot {lat_series}
unset multiplot
"""
    else:
        script = f"""
set terminal pngcairo size 900,480 font 'sans,10'
set output '{png}'
{common}
set title "{bench.title}"
set ylabel 'items/s (median, bars: min-max)'
{log_y}
plot {rate_series}
"""
    gp = os.path.join(workdir, f"{bench.key}.gp")
    with open(gp, "w") as f:
        f.write(script)
    proc = subprocess.run([gnuplot, gp], capture_output=True, text=True)
    if proc.returncode != 0:
        raise BenchFailure(f"gnuplot failed on {gp}:\n{proc.stderr}")
    return True


# ---------------------------------------------------------------------------
# the machine


def cpu_jiffies() -> "tuple[int, int]":
    """(busy, steal) jiffies of all CPUs since boot."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields[:8]
    return user + nice + system + irq + softirq, steal


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def command_line(argv: "list[str]") -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"


def machine() -> dict:
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    hypervisor = re.search(r"^Hypervisor vendor:\s*(.+)$", command_line(["lscpu"]), re.M)
    gst = command_line(["gst-launch-1.0", "--version"]).splitlines()
    commit = command_line(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    dirty = command_line(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"])
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "virtualization": f"{hypervisor.group(1)} guest" if hypervisor else "bare metal",
        "kernel": platform.release(),
        "os": command_line(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "gstreamer": gst[1] if len(gst) > 1 else "unknown",
        "python": command_line([PYTHON, "--version"]),
        "commit": commit + (" (with local changes)" if dirty else ""),
    }


# ---------------------------------------------------------------------------
# output


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def machine_line(m: dict, load: dict) -> str:
    state = ("**measured on a loaded machine**: other processes used "
             f"{load['other_cores']:.2f} cores on average meanwhile, figures are indicative"
             if load["loaded"] else
             f"quiet machine (other processes: {load['other_cores']:.2f} cores on average)")
    return (f"{m['cpu']}, {m['cores']} cores ({m['virtualization']}), Linux {m['kernel']}, "
            f"{m['os']}, {m['gstreamer']}, {m['python']}; commit {m['commit']}; "
            f"{load['date']}; {state}")


def write_outputs(out: str, benches: "list[Bench]", summaries: dict, m: dict, load: dict,
                  workdir: str) -> str:
    """Writes RESULTS.md, the plots and results.json; returns the README's
    part: the machine and the tables."""
    os.makedirs(out, exist_ok=True)
    sections, tables = [], []
    for bench in benches:
        if bench.key not in summaries:
            text = f"Not run: needs {', '.join(bench.needs)}, not built here yet.\n"
            sections.append(f"### {bench.title}\n\n{text}")
            tables.append(f"#### {bench.title}\n\n{text}")
            continue
        if isinstance(bench, CostBench):
            tab = cost_table(bench, summaries[bench.key]) if not ARGS.smoke else "(smoke run)"
            sections.append(f"### {bench.title}\n\n{bench.about}\n\n{tab}\n")
            tables.append(f"#### {bench.title}\n\n{tab}\n")
            continue
        png = os.path.join(out, f"{bench.key}.png")
        has_plot = plot(bench, summaries[bench.key], png, workdir)
        tab = table(bench, summaries[bench.key])
        load_text = load_line(bench, summaries[bench.key])
        if load_text:
            tab += "\n\n" + load_text
        note = bench.note(summaries) if bench.note else None
        if note:
            tab += "\n\n" + note
        sections.append(f"### {bench.title}\n\n{bench.about}\n\n{tab}\n"
                        + (f"\n![{bench.key}]({bench.key}.png)\n" if has_plot else ""))
        tables.append(f"#### {bench.title}\n\n{tab}\n")
    rounds = ", ".join(f"{b.key} {1 if ARGS.smoke else b.rounds}" for b in benches
                       if b.key in summaries and isinstance(b, Bench))
    method = (
        f"Runs per figure: {rounds}; sides interleaved, one process per run. "
        "Figures: **median** (min–max) over the runs; ratios: median (min–max) of the "
        "per-round ratios. Throughput is the arrival rate at the sink after the first 10% "
        "of the items (warm-up). Every run checked that all items arrived, in order, and "
        "recorded the load: the CPU other processes used while it ran.")
    text = (
        "# gst-workers benchmark results\n\n"
        f"Machine: {machine_line(m, load)}.\n\n"
        f"Written by `make bench` (tests/bench/run.py{' --smoke' if ARGS.smoke else ''}). "
        f"{method}\n\n" + "\n".join(sections))
    with open(os.path.join(out, "RESULTS.md"), "w") as f:
        f.write(text)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"machine": m, "load": load, "smoke": ARGS.smoke, "results": summaries}, f,
                  indent=1)
    return (f"Machine: {machine_line(m, load)}.\n\n{method} What each benchmark runs, "
            "and the plots: [tests/bench/results/RESULTS.md](tests/bench/results/RESULTS.md).\n\n"
            + "\n".join(tables))


def keep_history(out: str, m: dict, load: dict, summaries: dict) -> str:
    """Keeps this run's results as history/<commit>.json beside results.json
    (compare.py, `make bench-compare`, compares the newest two). A run of a
    few benchmarks (--only) adds them to its commit's file."""
    history = os.path.join(out, "history")
    os.makedirs(history, exist_ok=True)
    commit = m["commit"].split()[0] or "unknown"
    path = os.path.join(history, f"{commit}.json")
    results = {}
    if os.path.exists(path):
        try:
            with open(path) as f:
                kept = json.load(f)
            if kept.get("smoke") == ARGS.smoke:
                results = kept.get("results", {})
        except (OSError, ValueError):
            pass
    results.update(summaries)
    with open(path, "w") as f:
        json.dump({"machine": m, "load": load, "smoke": ARGS.smoke, "results": results}, f,
                  indent=1)
    return path


def update_readme(body: str) -> None:
    """Puts the result tables between the README's bench markers."""
    readme = os.path.join(ROOT, "README.md")
    begin, end = "<!-- bench-results:begin -->", "<!-- bench-results:end -->"
    with open(readme) as f:
        content = f.read()
    if begin not in content or end not in content:
        log("README.md has no bench markers: not updated")
        return
    new = content.split(begin)[0] + begin + "\n" + body.strip() + "\n" + end + content.split(end, 1)[1]
    with open(readme, "w") as f:
        f.write(new)


# ---------------------------------------------------------------------------


def main() -> int:
    global ARGS
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
    ARGS = parser.parse_args()
    ARGS.workerbench = os.path.abspath(ARGS.workerbench)
    global BUILD
    BUILD = os.path.dirname(os.path.dirname(os.path.dirname(ARGS.workerbench)))
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


ARGS = None

if __name__ == "__main__":
    sys.exit(main())
