"""
Workers 5-1, 5-2: the target detector, duplicated. The detector of
pydetecttarget (elements/python/targetdetector.py, numpy and OpenCV) at
detecttarget's defaults, which finds the same targets as the C detector.
"""

import os
import sys

from system.items import Detections, Frame
from workers import queue_proxy_wrapper
from workers import worker_controller

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "..", "elements", "python"))
from targetdetector import detect  # noqa: E402


def detect_worker(
    input_queue: queue_proxy_wrapper.QueueProxyWrapper,
    output_queue: queue_proxy_wrapper.QueueProxyWrapper,
    controller: worker_controller.WorkerController,
) -> None:
    """
    Worker process: a frame in, its detections out (not the frame: nothing
    downstream looks at the pixels), until a sentinel, passed on.
    """
    while not controller.is_exit_requested():
        controller.check_pause()

        frame = input_queue.queue.get()
        if frame is None:
            output_queue.queue.put(None)
            break
        if not isinstance(frame, Frame):
            continue

        found = detect(frame.image, 200, 4, 0, 0.5, 3.0, 64)
        output_queue.queue.put(Detections(
            frame.seq, frame.pts_ns, frame.created_ns, [(t["x"], t["y"]) for t in found]))
