"""
The benchmarks: what each compares (its rows and sides, its targets) and
the notes under its table.
"""

import json
import math
import os
import re
import shutil
import statistics
import tempfile

from benchbase import (ARGS, CHAIN_PY, FRAME_CAPS, HERE, PYTHON, QUEUE, ROOT, SMALL_BYTES,
                       Bench, BenchFailure, Case, CostBench, Target, Variant, chain,
                       fmt_rate, heartbeat_check, python_chain, sized, workerbench)
from costs import own_instructions, tracer_instructions

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
