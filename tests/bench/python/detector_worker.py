"""
A stage that finds the targets of a frame: the detector of pydetecttarget
(elements/python/targetdetector.py, numpy and OpenCV), run the model's way.
"""

import os
import sys

import numpy as np

from bench_item import BenchItem
from workers import queue_proxy_wrapper
from workers import worker_controller

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "elements", "python"))
from targetdetector import detect  # noqa: E402

WIDTH, HEIGHT = 1920, 1080
RADIUS = 12


def frame_with_targets(n: int) -> bytes:
    """An I420 1080p frame, dark with n bright discs of radius 12 in two
    rows: the frame benchsrc targets=n makes."""
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
    fx, fy = x + 0.5, y + 0.5
    luma = np.full((HEIGHT, WIDTH), 16, np.uint8)
    for i in range(n):
        tx = (i + 0.5) * WIDTH / n
        ty = HEIGHT * (0.75 if i % 2 else 0.25)
        luma[(fx - tx) ** 2 + (fy - ty) ** 2 <= RADIUS * RADIUS] = 235
    chroma = np.full(WIDTH * HEIGHT // 2, 128, np.uint8)
    return luma.tobytes() + chroma.tobytes()


def detector_worker(
    input_queue: queue_proxy_wrapper.QueueProxyWrapper,
    output_queue: queue_proxy_wrapper.QueueProxyWrapper,
    controller: worker_controller.WorkerController,
) -> None:
    """
    Worker process: gets a frame, finds its targets (pydetecttarget's
    defaults), passes the frame on with them, until exit or a sentinel.
    """
    while not controller.is_exit_requested():
        controller.check_pause()

        input_data = input_queue.queue.get()
        if input_data is None:
            break

        if not isinstance(input_data, BenchItem):
            continue

        luma = np.frombuffer(input_data.data, np.uint8, count=WIDTH * HEIGHT)
        input_data.targets = detect(luma.reshape(HEIGHT, WIDTH), 200, 4, 0,
                                    0.5, 3.0, 64)
        output_queue.queue.put(input_data)
