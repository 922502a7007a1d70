"""
Worker A1: the camera. Its driver is the simulated flight of
pipelines/autonomy.pipeline (flightsimsrc, rendered by GStreamer in this
process, as a camera library would hand over frames); the worker turns each
frame into a numpy array and each telemetry sample into an Odometry, and
puts them on its two output queues.
"""

import struct
import time

import numpy as np

from system.items import Frame, Odometry
from workers import queue_proxy_wrapper
from workers import worker_controller

ODOMETRY = struct.Struct("<IIQ12d")  # gst/autonomy/gstodometry.h, 112 bytes


def odometry_of(buf) -> Odometry:
    (_magic, _fields, _us, north, east, down, _lat, _lon, _alt, roll, pitch, yaw,
     _vn, _ve, _vd) = ODOMETRY.unpack(buf.extract_dup(0, ODOMETRY.size))
    return Odometry(buf.pts, north, east, down, roll, pitch, yaw)


def camera_worker(
    camera: str,
    detector_count: int,
    frame_queue: queue_proxy_wrapper.QueueProxyWrapper,
    odometry_queue: queue_proxy_wrapper.QueueProxyWrapper,
    controller: worker_controller.WorkerController,
) -> None:
    """
    Worker process: every frame of the flight, each after the telemetry up
    to its time, then a sentinel for each detector and one for the merge.
    """
    import gi

    gi.require_version("Gst", "1.0")
    gi.require_version("GstApp", "1.0")
    from gi.repository import Gst, GstApp  # noqa: F401 (appsink's methods)

    Gst.init(None)
    # the simulation pushes both outputs from one thread: a queue on each
    pipeline = Gst.parse_launch(
        f"{camera} ! video/x-raw,format=GRAY8 ! queue max-size-buffers=2 ! "
        "appsink name=frames max-buffers=1 sync=false camera.telemetry ! "
        "queue max-size-buffers=0 max-size-bytes=0 max-size-time=0 ! "
        "appsink name=telemetry sync=false")
    frames = pipeline.get_by_name("frames")
    telemetry = pipeline.get_by_name("telemetry")
    pipeline.set_state(Gst.State.PLAYING)

    seq = 0
    last_odometry = -1
    while not controller.is_exit_requested():
        controller.check_pause()

        sample = frames.pull_sample()
        # the telemetry up to the frame's time (it has a sample at exactly
        # that time) before the frame; all of it after the last frame
        while sample is None or last_odometry < sample.get_buffer().pts:
            odo = telemetry.pull_sample()
            if odo is None:
                break
            last_odometry = odo.get_buffer().pts
            odometry_queue.queue.put(odometry_of(odo.get_buffer()))
        if sample is None:
            break

        buf = sample.get_buffer()
        s = sample.get_caps().get_structure(0)
        width, height = s.get_value("width"), s.get_value("height")
        ok, mapped = buf.map(Gst.MapFlags.READ)
        if not ok:
            raise RuntimeError(f"camera: cannot read frame {seq}")
        image = np.frombuffer(mapped.data, np.uint8, count=width * height).reshape(
            height, width).copy()
        buf.unmap(mapped)
        frame_queue.queue.put(Frame(seq, buf.pts, time.monotonic_ns(), image))
        seq += 1

    pipeline.set_state(Gst.State.NULL)
    for _ in range(detector_count):
        frame_queue.queue.put(None)
    odometry_queue.queue.put(None)
