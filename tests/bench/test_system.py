#!/usr/bin/python3
"""
The Python model of the autonomy system (python/system/, benchmark
`system`): its geolocation against the C camera model (GstAutonomy), its
DBSCAN on known layouts, its clustering on a made-up flight, and its
merge and detector workers on queues, each in this process. The whole
system runs in bench-smoke, which checks its estimates.
"""

import math
import os
import queue
import random
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "python"))
from system import cluster_worker, geolocation_worker  # noqa: E402
from system.items import Detections, Frame, Odometry  # noqa: E402
from system.merge_worker import merge_worker  # noqa: E402


class Wrapper:
    """What the workers use of a QueueProxyWrapper: .queue."""

    def __init__(self, items=()):
        self.queue = queue.Queue()
        for item in items:
            self.queue.put(item)

    def items(self):
        out = []
        while not self.queue.empty():
            out.append(self.queue.get())
        return out


class NoController:
    def is_exit_requested(self):
        return False

    def check_pause(self):
        pass


class Geolocation(unittest.TestCase):
    def test_same_as_the_c_camera_model(self):
        import gi

        gi.require_version("GstAutonomy", "1.0")
        from gi.repository import GstAutonomy

        cam = GstAutonomy.CameraModel()
        cam.init(1920, 1080, math.radians(60))
        cam.set_mount(0, math.radians(-90), 0)
        ours = geolocation_worker.Camera(1920, 1080, 60)
        rng = random.Random(7)
        for _ in range(200):
            pose = Odometry(0, rng.uniform(-50, 50), rng.uniform(-50, 50), -rng.uniform(10, 60),
                            rng.uniform(-0.2, 0.2), rng.uniform(-0.2, 0.2), rng.uniform(-3, 3))
            odo = GstAutonomy.Odometry()
            for k in ("north", "east", "down", "roll", "pitch", "yaw"):
                setattr(odo, k, getattr(pose, k))
            u, v = rng.uniform(0, 1919), rng.uniform(0, 1079)
            ok, north, east = cam.pixel_to_ground(odo, u, v, 0.0)
            got = ours.to_ground(pose, [(u, v)])
            self.assertTrue(ok)
            self.assertEqual(len(got), 1)
            self.assertAlmostEqual(got[0][0], north, places=9)
            self.assertAlmostEqual(got[0][1], east, places=9)

    def test_a_ray_above_the_horizon_is_left_out(self):
        level = Odometry(0, 0, 0, -40, 0, math.radians(95), 0)  # camera looks up
        self.assertEqual(geolocation_worker.Camera(1920, 1080, 60).to_ground(
            level, [(959.5, 539.5)]), [])


class Dbscan(unittest.TestCase):
    def test_clusters_noise_and_numbering(self):
        rng = np.random.default_rng(1)
        b = rng.normal([10, 10], 0.1, (8, 2))
        a = rng.normal([0, 0], 0.1, (8, 2))
        noise = np.array([[50.0, 50.0], [-40.0, 3.0]])
        # b's first point comes first: b is cluster 0
        xy = np.vstack([b[:1], a, noise, b[1:]])
        labels, n = cluster_worker.dbscan(xy, 1.0, 5)
        self.assertEqual(n, 2)
        self.assertTrue((labels[[0] + list(range(11, 18))] == 0).all())
        self.assertTrue((labels[1:9] == 1).all())
        self.assertEqual(list(labels[9:11]), [-1, -1])

    def test_border_point_joins_its_nearest_core(self):
        # two dense spots 2 m apart and a point between them, within eps
        # of a core point of each (nearer the right one), core of neither
        left = np.array([[-0.1 * i, 0.0] for i in range(5)])
        right = np.array([[2.0 + 0.1 * i, 0.0] for i in range(5)])
        xy = np.vstack([left, right, [[1.05, 0.0]]])
        labels, n = cluster_worker.dbscan(xy, 1.1, 5)
        self.assertEqual(n, 2)
        self.assertEqual(list(labels[:10]), [0] * 5 + [1] * 5)
        self.assertEqual(labels[10], 1)


class Clustering(unittest.TestCase):
    def test_two_targets_confirmed_and_final(self):
        rng = random.Random(3)
        truth = [(10.0, 20.0), (-15.0, -25.0)]
        est = cluster_worker.ClusterEstimator()
        sent = []
        for frame in range(60):
            pts = [(n + rng.gauss(0, 0.3), e + rng.gauss(0, 0.3), 0.0) for n, e in truth]
            item = cluster_worker.GroundTargets(frame, frame * 100_000_000, 0, pts)
            sent += [(t.id, dict(f)) for t, f in est.item(item)]
            for t, _ in est.item(cluster_worker.GroundTargets(frame, 0, 0, [])):
                self.fail("an item without points sent an estimate")
        confirmed = [i for i, f in sent if f["confirmed"]]
        self.assertEqual(sorted(confirmed), [1, 2])
        finals = est.drain()
        self.assertEqual(len(finals), 2)
        for t, flags in finals:
            self.assertTrue(flags["final"])
            d = min(math.hypot(t.est["north"] - n, t.est["east"] - e) for n, e in truth)
            self.assertLess(d, 0.2)
            self.assertEqual(t.est["count"], 60)


class Merge(unittest.TestCase):
    def test_order_restored_and_nearest_odometry(self):
        # two detectors: frames out of order; odometry every 100 ms, at
        # 0 to 400 ms, and none near frame 4 (at 900 ms): dropped
        dets = [Detections(s, s * 100_000_000, 0, [(1.0, 2.0)]) for s in (1, 0, 3, 2)]
        dets.append(Detections(4, 900_000_000, 0, []))
        odos = [Odometry(t * 100_000_000, t, 0, -40, 0, 0, 0) for t in range(5)]
        out = Wrapper()
        merge_worker(2, 50_000_000, Wrapper(dets + [None, None]), Wrapper(odos + [None]), out,
                     NoController())
        got = out.items()
        self.assertIsNone(got[-1])
        self.assertEqual([m.detections.seq for m in got[:-1]], [0, 1, 2, 3])
        self.assertEqual([m.pose.north for m in got[:-1]], [0, 1, 2, 3])


class Detector(unittest.TestCase):
    def test_finds_the_discs_of_a_frame(self):
        from system.detect_worker import detect_worker

        image = np.full((1080, 1920), 16, np.uint8)
        y, x = np.mgrid[0:1080, 0:1920]
        for cx, cy in ((300, 200), (1500, 800)):
            image[(x - cx) ** 2 + (y - cy) ** 2 <= 144] = 235
        out = Wrapper()
        detect_worker(Wrapper([Frame(0, 0, 5, image), None]), out, NoController())
        got = out.items()
        self.assertIsNone(got[-1])
        self.assertEqual(len(got[0].pixels), 2)
        for (px, py), (cx, cy) in zip(sorted(got[0].pixels), ((300, 200), (1500, 800))):
            self.assertAlmostEqual(px, cx, delta=0.01)
            self.assertAlmostEqual(py, cy, delta=0.01)


if __name__ == "__main__":
    unittest.main()
