"""
What a benchmark is, and what every part of the benchmarks uses: the
paths, the command lines of the pipelines they run, the run's settings
(ARGS: run.py's options, parsed into it by main()), failures, the log and
numbers in words.
"""

import argparse
import dataclasses
import os
import sys

# run.py's options, parsed by main() into this one object (plus `build`,
# the build folder, from --workerbench)
ARGS = argparse.Namespace()

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
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
# what every part uses: failures, the log, numbers in words


class BenchFailure(Exception):
    pass


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


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
