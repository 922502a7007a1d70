"""
What the autonomy system's workers pass each other (pickled by the queues).
"""

import dataclasses

import numpy as np


@dataclasses.dataclass
class Frame:
    """A camera frame: number seq, time pts_ns of the flight, made (taken
    from the camera) at created_ns (time.monotonic_ns())."""

    seq: int
    pts_ns: int
    created_ns: int
    image: np.ndarray  # GRAY8, height x width


@dataclasses.dataclass
class Odometry:
    """Where the drone was at pts_ns: local NED (metres) and attitude
    (radians)."""

    pts_ns: int
    north: float
    east: float
    down: float
    roll: float
    pitch: float
    yaw: float


@dataclasses.dataclass
class Detections:
    """The targets a detector found in frame seq: their centres, pixels."""

    seq: int
    pts_ns: int
    created_ns: int
    pixels: "list[tuple[float, float]]"


@dataclasses.dataclass
class Located:
    """A frame's detections with the odometry nearest its time."""

    detections: Detections
    pose: Odometry


@dataclasses.dataclass
class GroundTargets:
    """Where on the ground a frame's detections are (north, east, down)."""

    seq: int
    pts_ns: int
    created_ns: int
    points: "list[tuple[float, float, float]]"
