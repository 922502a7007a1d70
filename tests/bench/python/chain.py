#!/usr/bin/python3
"""
The autonomy team's worker model, measured: a source worker and a chain of
pass-through workers joined by manager queues, run by a main process that
reads the last queue, then exits the way the team's main does.

    source -> q0 -> stage 1 -> q1 -> ... -> stage N -> qN -> main

Prints one line of JSON with the fields and definitions of the GStreamer
side's runner (workerbench.c): items, measured, items_per_s, latency_us
{median, p99, max}, seconds, cpu_percent, heartbeats. Exits with 1 if an
item is lost, repeated or out of order, a worker dies, or it times out.
"""

import argparse
import json
import math
import multiprocessing as mp
import queue
import resource
import sys
import time

from bench_item import BenchItem
from passthrough_worker import passthrough_worker
from source_worker import source_worker
from workers import queue_proxy_wrapper
from workers import worker_controller
from workers import worker_manager


class ChainError(Exception):
    pass


def receive(
    output_queue: queue_proxy_wrapper.QueueProxyWrapper,
    count: int,
    stages: "list[worker_manager.WorkerManager]",
    window: "mp.synchronize.Semaphore | None",
    timeout: float,
    ordered: bool = True,
    targets: int = 0,
) -> "tuple[list[int], list[int]]":
    """
    Main's loop: takes count items off the last queue, in order (or, from
    duplicated workers, which do not keep it: each once, in any order).
    Returns their creation and arrival times (monotonic ns).
    """
    created = []
    arrived = []
    seen = set()
    deadline = time.monotonic() + timeout

    while len(arrived) < count:
        try:
            item = output_queue.queue.get(timeout=1.0)
        except queue.Empty:
            if not all(stage.are_workers_alive() for stage in stages):
                raise ChainError(f"a worker died after {len(arrived)} of {count} items")
            if time.monotonic() > deadline:
                raise ChainError(f"{len(arrived)} of {count} items after {timeout} s")
            continue
        now = time.monotonic_ns()

        if not isinstance(item, BenchItem):
            raise ChainError(f"got {item!r} where item {len(arrived)} was expected")
        if not ordered:
            if item.seq in seen or not 0 <= item.seq < count:
                raise ChainError(f"item {item.seq} arrived twice, or was never made")
            seen.add(item.seq)
        elif item.seq != len(arrived):
            raise ChainError(
                f"items out of order: item {item.seq} arrived where {len(arrived)} was expected"
            )
        if targets and len(getattr(item, "targets", ())) != targets:
            raise ChainError(f"item {item.seq}: {len(getattr(item, 'targets', ()))} "
                             f"targets found of {targets}")
        created.append(item.created_ns)
        arrived.append(now)
        if window is not None:
            window.release()

    return created, arrived


def percentile(ordered: "list[int]", p: float) -> int:
    """
    Nearest rank, as workerbench.c computes it.
    """
    rank = math.ceil(p * len(ordered))
    return ordered[min(max(rank, 1), len(ordered)) - 1]


def figures(
    created: "list[int]", arrived: "list[int]", warmup: float, seconds: float, cpu: float
) -> dict:
    n = len(arrived)
    s = min(int(n * min(max(warmup, 0.0), 0.9)), n - 2)
    m = n - s
    span = max(arrived[-1] - arrived[s], 1)
    latency = sorted(arrived[i] - created[i] for i in range(s, n))
    return {
        "items": n,
        "measured": m,
        "items_per_s": (m - 1) / (span / 1e9),
        "latency_us": {
            "median": percentile(latency, 0.5) / 1e3,
            "p99": percentile(latency, 0.99) / 1e3,
            "max": latency[-1] / 1e3,
        },
        "seconds": seconds,
        "cpu_percent": 100.0 * cpu / max(seconds, 1e-9),
        "heartbeats": 0,
    }


def cpu_seconds() -> float:
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stages", type=int, default=4, help="pass-through workers")
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--size", type=int, default=64, help="bytes of data per item")
    parser.add_argument("--queue-size", type=int, default=10, help="maxsize of every queue")
    parser.add_argument(
        "--max-in-flight", type=int, default=0, help="items between source and main (0: no bound)"
    )
    parser.add_argument(
        "--replicas", type=int, default=1, help="processes per stage (duplicated workers)"
    )
    parser.add_argument(
        "--work", type=int, default=0, help="turns of a pure-Python loop per item and stage"
    )
    parser.add_argument(
        "--touch", action="store_true",
        help="every stage reads one byte of every 64-byte cache line of each item")
    parser.add_argument(
        "--detect", type=int, default=0, metavar="N",
        help="stages are target detectors, items 1080p I420 frames with N targets")
    parser.add_argument("--warmup", type=float, default=0.1)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    if args.items < 2 or args.stages < 0 or args.queue_size < 1 or args.replicas < 1:
        parser.error("need --items >= 2, --stages >= 0, --queue-size >= 1 and --replicas >= 1")

    mp_manager = mp.Manager()
    controller = worker_controller.WorkerController()
    queues = [
        queue_proxy_wrapper.QueueProxyWrapper(mp_manager, args.queue_size)
        for _ in range(args.stages + 1)
    ]
    window = mp.Semaphore(args.max_in_flight) if args.max_in_flight > 0 else None

    stage_worker, stage_args = passthrough_worker, (args.work, args.touch)
    data = args.size
    if args.detect:
        from detector_worker import detector_worker, frame_with_targets

        stage_worker, stage_args = detector_worker, ()
        data = frame_with_targets(args.detect)
    source = worker_manager.WorkerManager(
        1, source_worker, (args.items, data, window, queues[0], controller)
    )
    stages = [
        worker_manager.WorkerManager(
            args.replicas, stage_worker, (queues[i], queues[i + 1], controller) + stage_args
        )
        for i in range(args.stages)
    ]

    cpu0 = cpu_seconds()
    start = time.monotonic()
    source.start_workers()
    for stage in stages:
        stage.start_workers()

    error = None
    try:
        created, arrived = receive(
            queues[-1], args.items, stages, window, args.timeout, args.replicas == 1,
            args.detect
        )
    except ChainError as e:
        error = str(e)
    seconds = time.monotonic() - start
    # run.py (its CPU sampling) times the end of the measured items by it
    print("# all items arrived", flush=True)

    # exit as the team's main does: flag, then sentinels and drain
    controller.request_exit()
    for q in queues:
        q.fill_and_drain_queue()
    for manager in [source] + stages:
        manager.join_workers(timeout=10.0)
        manager.terminate_workers()
    mp_manager.shutdown()
    cpu = cpu_seconds() - cpu0

    if error:
        print(f"chain.py: {error}", file=sys.stderr)
        return 1
    print(json.dumps(figures(created, arrived, args.warmup, seconds, cpu)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
