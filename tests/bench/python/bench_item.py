"""
The item every benchmark passes along: a number, when it was made, data.
"""

import time


class BenchItem:
    """
    Item number seq, made at created_ns (time.monotonic_ns(), the clock the
    GStreamer side uses too), carrying data: a few bytes, or a whole frame.
    """

    def __init__(self, seq: int, data: bytes) -> None:
        self.seq = seq
        self.data = data
        self.created_ns = time.monotonic_ns()


def spin(work: int) -> int:
    """
    CPU work in pure Python, holding the GIL: `work` turns of a loop (the
    GStreamer side's benchpyworker runs the same loop).
    """
    total = 0
    for i in range(work):
        total += i * i % 7
    return total


def touch(data: bytes) -> int:
    """
    Reads one byte of every 64-byte cache line of data and adds them up
    (benchworker touch=true reads and sums the same bytes).
    """
    return sum(memoryview(data)[::64])
