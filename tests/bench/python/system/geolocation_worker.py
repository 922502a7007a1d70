"""
Worker A2 kind: geolocation. Each detection's pixel ray from the drone's
pose to the ground (down = 0): the pinhole camera of
gst/autonomy/gstcameramodel.c (square pixels, principal point at the
centre, mounted looking straight down), as geolocate hfov=60 computes it.
"""

import math

import numpy as np

from system.items import GroundTargets, Located
from workers import queue_proxy_wrapper
from workers import worker_controller


def rotation(roll: float, pitch: float, yaw: float) -> np.ndarray:
    """Rz(yaw) Ry(pitch) Rx(roll)."""
    cr, sr = math.cos(roll), math.sin(roll)
    cp, sp = math.cos(pitch), math.sin(pitch)
    cy, sy = math.cos(yaw), math.sin(yaw)
    return np.array([
        [cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr],
        [sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr],
        [-sp, cp * sr, cp * cr]])


class Camera:
    def __init__(self, width: int, height: int, hfov_deg: float,
                 mount_pitch_deg: float = -90.0) -> None:
        self.f = (width / 2.0) / math.tan(math.radians(hfov_deg) / 2.0)
        self.cx, self.cy = (width - 1) / 2.0, (height - 1) / 2.0
        self.mount = rotation(0.0, math.radians(mount_pitch_deg), 0.0)

    def to_ground(self, pose, pixels: "list[tuple[float, float]]", ground_down: float = 0.0):
        """(north, east, down) of each pixel's ray on the ground."""
        bm = rotation(pose.roll, pose.pitch, pose.yaw) @ self.mount
        m = bm[:, [1, 2, 0]]  # camera right, down, forward: body y, z, x
        out = []
        for u, v in pixels:
            ray = m @ np.array([(u - self.cx) / self.f, (v - self.cy) / self.f, 1.0])
            if ray[2] <= 1e-9:
                continue
            t = (ground_down - pose.down) / ray[2]
            if t <= 0:
                continue
            out.append((pose.north + t * ray[0], pose.east + t * ray[1], ground_down))
        return out


def geolocation_worker(
    width: int,
    height: int,
    hfov_deg: float,
    input_queue: queue_proxy_wrapper.QueueProxyWrapper,
    output_queue: queue_proxy_wrapper.QueueProxyWrapper,
    controller: worker_controller.WorkerController,
) -> None:
    camera = Camera(width, height, hfov_deg)
    while not controller.is_exit_requested():
        controller.check_pause()

        item = input_queue.queue.get()
        if item is None:
            output_queue.queue.put(None)
            break
        if not isinstance(item, Located):
            continue

        d = item.detections
        output_queue.queue.put(GroundTargets(
            d.seq, d.pts_ns, d.created_ns, camera.to_ground(item.pose, d.pixels)))
