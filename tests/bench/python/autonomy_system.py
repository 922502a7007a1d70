#!/usr/bin/python3
"""
The whole autonomy system of pipelines/autonomy.pipeline written in the
team's Python worker model: one process per worker, joined by
multiprocessing.Manager().Queue(maxsize=10) proxies, run to the end of the
flight by a main process.

    camera (A1) --frames--> detect x2 (5-1, 5-2) --detections--> merge (3)
       |                                                           ^
       +--odometry-------------------------------------------------+
    merge --> geolocate --> cluster (4) --estimates--> output (7): file
                                  +------commands----> output (7): file

The camera's driver is the flight simulation of the pipeline
(flightsimsrc, the same frames and telemetry); the detector is
pydetecttarget's numpy/OpenCV code; geolocation, DBSCAN clustering and the
JSON output are numpy and stdlib (python/system/).

Prints one line of JSON with the fields of workerbench.c (items/s and
camera-to-estimate latency over the frames after the warm-up, seconds,
cpu_percent of all the processes together) plus peak_rss_kb (the largest
total resident memory of all the system's processes at once, sampled every
20 ms), peak_rss_each_kb (each process's own peak, added up) and
final_estimates. Exits with 1 if a frame is lost or repeated, a worker dies
or the run times out.
"""

import argparse
import json
import multiprocessing as mp
import os
import queue
import re
import resource
import sys
import threading
import time

from chain import figures, cpu_seconds
from system.camera_worker import camera_worker
from system.cluster_worker import cluster_worker
from system.detect_worker import detect_worker
from system.geolocation_worker import geolocation_worker
from system.merge_worker import merge_worker
from system.output_worker import output_worker
from workers import queue_proxy_wrapper
from workers import worker_controller
from workers import worker_manager


class MemorySampler(threading.Thread):
    """Every 20 ms, the resident memory of each process of the system
    (/proc/PID/status): the largest total at one moment, and each
    process's own peak (VmHWM)."""

    def __init__(self, pids: "list[int]") -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.peak_total = 0
        self.peak_each = {}
        self.done = threading.Event()

    @staticmethod
    def status(pid: int) -> "dict[str, int]":
        try:
            with open(f"/proc/{pid}/status") as f:
                text = f.read()
        except OSError:
            return {}
        return {k: int(v) for k, v in re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", text, re.M)}

    def sample(self) -> None:
        total = 0
        for pid in self.pids:
            s = self.status(pid)
            total += s.get("VmRSS", 0)
            self.peak_each[pid] = max(self.peak_each.get(pid, 0), s.get("VmHWM", 0))
        self.peak_total = max(self.peak_total, total)

    def run(self) -> None:
        while not self.done.wait(0.02):
            self.sample()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--camera", required=True,
                        help="the flight simulation: the flightsimsrc of the pipeline, "
                        "name=camera")
    parser.add_argument("--frames", type=int, default=760)
    parser.add_argument("--detectors", type=int, default=2, help="duplicated detectors")
    parser.add_argument("--hfov", type=float, default=60.0, help="degrees")
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--queue-size", type=int, default=10)
    parser.add_argument("--out", default=".", help="folder of the JSON Lines outputs")
    parser.add_argument("--warmup", type=float, default=0.1)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    camera = re.sub(r"num-buffers=\d+", "", args.camera) + f" num-buffers={args.frames}"

    mp_manager = mp.Manager()
    controller = worker_controller.WorkerController()

    def q():
        return queue_proxy_wrapper.QueueProxyWrapper(mp_manager, args.queue_size)

    frames, odometry, detections, located, ground, estimates, commands = (
        q() for _ in range(7))
    result = q()
    out = os.path.abspath(args.out)
    managers = [
        worker_manager.WorkerManager(1, camera_worker, (
            camera, args.detectors, frames, odometry, controller)),
        worker_manager.WorkerManager(args.detectors, detect_worker, (
            frames, detections, controller)),
        worker_manager.WorkerManager(1, merge_worker, (
            args.detectors, 50_000_000, detections, odometry, located, controller)),
        worker_manager.WorkerManager(1, geolocation_worker, (
            args.width, args.height, args.hfov, located, ground, controller)),
        worker_manager.WorkerManager(1, cluster_worker, (
            ground, estimates, commands, result, controller)),
        worker_manager.WorkerManager(1, output_worker, (
            os.path.join(out, "autonomy-estimates.jsonl"), estimates, controller)),
        worker_manager.WorkerManager(1, output_worker, (
            os.path.join(out, "autonomy-commands.jsonl"), commands, controller)),
    ]

    cpu0 = cpu_seconds()
    start = time.monotonic()
    for manager in managers:
        manager.start_workers()
    sampler = MemorySampler([os.getpid(), mp_manager._process.pid]
                            + [pid for m in managers for pid in m.pids()])
    sampler.start()

    error, done = None, None
    deadline = time.monotonic() + args.timeout
    while done is None:
        try:
            done = result.queue.get(timeout=1.0)
        except queue.Empty:
            if any(m.failed() for m in managers):
                error = "a worker died"
            elif time.monotonic() > deadline:
                error = f"no end after {args.timeout} s"
            if error:
                break
    # the outputs end on their sentinels, after the last line
    for manager in managers[5:]:
        manager.join_workers(timeout=30.0)
    seconds = time.monotonic() - start
    sampler.sample()
    sampler.done.set()
    sampler.join()

    # exit as the team's main does: flag, then sentinels and drain
    controller.request_exit()
    for wrapper in (frames, odometry, detections, located, ground, estimates, commands, result):
        wrapper.fill_and_drain_queue()
    for manager in managers:
        manager.join_workers(timeout=10.0)
        manager.terminate_workers()
    mp_manager.shutdown()
    cpu = cpu_seconds() - cpu0

    if error is None:
        seqs = sorted(seq for seq, _, _ in done["arrivals"])
        if seqs != list(range(args.frames)):
            missing = sorted(set(range(args.frames)) - set(seqs))
            error = (f"{len(seqs)} of {args.frames} frames reached the cluster worker "
                     f"(missing: {missing[:10]}, repeated: {len(seqs) - len(set(seqs))})")
    if error:
        print(f"autonomy_system.py: {error}", file=sys.stderr)
        return 1

    arrivals = sorted(done["arrivals"], key=lambda a: a[2])
    result_figures = figures([a[1] for a in arrivals], [a[2] for a in arrivals],
                             args.warmup, seconds, cpu)
    result_figures["peak_rss_kb"] = sampler.peak_total
    result_figures["peak_rss_each_kb"] = sum(sampler.peak_each.values())
    result_figures["processes"] = len(sampler.pids)
    result_figures["final_estimates"] = [
        {k: e[k] for k in ("id", "north", "east", "count")} for e in done["finals"]]
    print(json.dumps(result_figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
