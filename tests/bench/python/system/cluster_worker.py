"""
Worker 4: ground detections in, target estimates and GOTO commands out
(two outputs of different types, at a rate of their own). What
clusterestimate does at its defaults: every detection kept, DBSCAN (eps 1 m,
5 points) over all of them on each frame that brings some, each cluster's
mean after one round of sigma clipping, clusters followed by their nearest
centre, a target confirmed when its centre stayed within 0.25 m over 5
updates, and every target once more, final, at the end. Left out: the split
of a cluster that one frame shows as two targets (COP-KMeans), which the
targets of this flight, 6 m apart and more, never need.
"""

import math
import time

import numpy as np

from system.items import GroundTargets
from workers import queue_proxy_wrapper
from workers import worker_controller

EPS = 1.0
MIN_POINTS = 5
STABLE_DISTANCE = 0.25
STABLE_UPDATES = 5
COMMAND_DOWN = -20.0


def dbscan(xy: np.ndarray, eps: float, min_points: int) -> "tuple[np.ndarray, int]":
    """Labels (-1: noise) and the number of clusters, numbered by their
    lowest-indexed core point; a border point joins its nearest core
    point's cluster (gst/autonomy/gstdbscan.c's definition)."""
    n = len(xy)
    d2 = ((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)
    near = d2 <= eps * eps
    core = near.sum(axis=1) >= min_points
    labels = np.full(n, -1)
    core_near = near & core[None, :]
    clusters = 0
    for start in np.flatnonzero(core):
        if labels[start] >= 0:
            continue
        labels[start] = clusters
        frontier = np.array([start])
        while frontier.size:
            reached = core_near[frontier].any(axis=0) & (labels < 0)
            frontier = np.flatnonzero(reached)
            labels[frontier] = clusters
        clusters += 1
    border = np.flatnonzero(~core & core_near.any(axis=1))
    for i in border:
        cand = np.flatnonzero(core_near[i])
        labels[i] = labels[cand[np.argmin(d2[i, cand])]]
    return labels, clusters


def moments(pts: np.ndarray, times: np.ndarray, centre=None, limit=-1.0) -> dict:
    if limit >= 0:
        keep = ((pts[:, 0] - centre[0]) ** 2 + (pts[:, 1] - centre[1]) ** 2) <= limit * limit
        pts, times = pts[keep], times[keep]
    mean = pts.mean(axis=0)
    var = ((pts - mean) ** 2).mean(axis=0)
    return {"count": len(pts), "north": float(mean[0]), "east": float(mean[1]),
            "down": float(mean[2]), "spread": math.sqrt(var[0] + var[1]),
            "std_north": math.sqrt(var[0]), "std_east": math.sqrt(var[1]),
            "first_seen": int(times.min()), "last_seen": int(times.max())}


def estimate(pts: np.ndarray, times: np.ndarray) -> dict:
    """The mean, then the mean of the members within 3 RMS radii of it."""
    first = moments(pts, times)
    return moments(pts, times, (first["north"], first["east"]), 3 * first["spread"])


class Track:
    def __init__(self) -> None:
        self.id = 0
        self.est = None
        self.history = []
        self.missing = 0
        self.present = False
        self.emitted = None

    def stable(self) -> bool:
        return len(self.history) >= STABLE_UPDATES and all(
            math.hypot(n - self.est["north"], e - self.est["east"]) < STABLE_DISTANCE
            for n, e in self.history)


class ClusterEstimator:
    def __init__(self) -> None:
        self.points = []  # (north, east, down)
        self.times = []
        self.tracks = []
        self.next_id = 1

    def update(self) -> None:
        pts = np.array(self.points)
        times = np.array(self.times)
        labels, n_clusters = dbscan(pts[:, :2], EPS, MIN_POINTS)
        for t in self.tracks:
            t.present = False
        ests = [estimate(pts[labels == c], times[labels == c]) for c in range(n_clusters)]
        pairs = sorted(
            (math.hypot(t.est["north"] - e["north"], t.est["east"] - e["east"]), c, i)
            for c, e in enumerate(ests) for i, t in enumerate(self.tracks))
        match, taken = {}, set()
        for d, c, i in pairs:
            if d <= EPS and c not in match and i not in taken:
                match[c] = i
                taken.add(i)
        for c, e in enumerate(ests):
            if c in match:
                t = self.tracks[match[c]]
            else:
                t = Track()
                self.tracks.append(t)
            t.est, t.present, t.missing = e, True, 0
            t.history = (t.history + [(e["north"], e["east"])])[-STABLE_UPDATES:]
        # unconfirmed clusters that went away were not targets
        kept = []
        for t in self.tracks:
            if not t.present:
                t.missing += 1
                if t.missing > STABLE_UPDATES and not t.id:
                    continue
            kept.append(t)
        self.tracks = kept

    @staticmethod
    def emit(out: list, t: Track, confirmed: bool, final: bool) -> None:
        t.emitted = (t.est["north"], t.est["east"])
        out.append((t, {"confirmed": confirmed, "final": final}))

    def item(self, item: GroundTargets) -> "list[tuple[Track, dict]]":
        """The estimates to send after item: (track, flags)."""
        if not item.points:
            return []
        for p in item.points:
            self.points.append(p)
            self.times.append(item.pts_ns)
        self.update()
        out = []
        for t in self.tracks:
            if not t.present or not t.stable():
                continue
            if not t.id:
                t.id = self.next_id
                self.next_id += 1
                self.emit(out, t, True, False)
            elif math.hypot(t.est["north"] - t.emitted[0],
                            t.est["east"] - t.emitted[1]) > STABLE_DISTANCE:
                self.emit(out, t, False, False)
        return out

    def drain(self) -> "list[tuple[Track, dict]]":
        out = []
        for t in self.tracks:
            if t.id:
                self.emit(out, t, False, True)
            elif t.present:
                t.id = self.next_id
                self.next_id += 1
                self.emit(out, t, True, True)
        return out


def cluster_worker(
    input_queue: queue_proxy_wrapper.QueueProxyWrapper,
    estimate_queue: queue_proxy_wrapper.QueueProxyWrapper,
    command_queue: queue_proxy_wrapper.QueueProxyWrapper,
    result_queue: queue_proxy_wrapper.QueueProxyWrapper,
    controller: worker_controller.WorkerController,
) -> None:
    """
    Worker process: until the sentinel. Also notes when each frame's
    ground targets arrived (the end of the camera-to-estimate latency) and
    hands main those times and the final estimates at the end.
    """
    estimator = ClusterEstimator()
    arrivals = []  # (seq, created_ns, arrived_ns)
    finals = []
    last_pts = 0

    def send(pairs, pts):
        for t, flags in pairs:
            est = dict(type="target-estimate", pts=pts, id=t.id, **t.est, **flags)
            estimate_queue.queue.put(est)
            if flags["final"]:
                finals.append(est)
            if flags["confirmed"]:
                command_queue.queue.put(dict(
                    type="flight-command", pts=pts, command="goto", target_id=t.id,
                    north=t.est["north"], east=t.est["east"], down=COMMAND_DOWN))

    while not controller.is_exit_requested():
        controller.check_pause()

        item = input_queue.queue.get()
        if item is None:
            send(estimator.drain(), last_pts)
            break
        if not isinstance(item, GroundTargets):
            continue
        arrivals.append((item.seq, item.created_ns, time.monotonic_ns()))
        last_pts = item.pts_ns
        send(estimator.item(item), item.pts_ns)

    estimate_queue.queue.put(None)
    command_queue.queue.put(None)
    result_queue.queue.put({"arrivals": arrivals, "finals": finals})
