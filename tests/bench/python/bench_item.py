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
