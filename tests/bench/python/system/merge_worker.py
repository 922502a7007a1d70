"""
Worker 3: two inputs merged by timestamp. Each frame's detections with the
odometry sample nearest its time, none if that is more than max_distance
away (timestampmerge max-distance=50000000 drop-unmatched=true). The two
detectors do not keep the frames' order: the merge puts it back.
"""

import bisect

from system.items import Detections, Located
from workers import queue_proxy_wrapper
from workers import worker_controller


def merge_worker(
    detector_count: int,
    max_distance_ns: int,
    detections_queue: queue_proxy_wrapper.QueueProxyWrapper,
    odometry_queue: queue_proxy_wrapper.QueueProxyWrapper,
    output_queue: queue_proxy_wrapper.QueueProxyWrapper,
    controller: worker_controller.WorkerController,
) -> None:
    """
    Worker process: until every detector has sent its sentinel.
    """
    pending = {}  # seq -> Detections that came early
    next_seq = 0
    times, poses = [], []  # odometry received, oldest first
    odometry_done = False
    sentinels = 0

    while not controller.is_exit_requested() and sentinels < detector_count:
        controller.check_pause()

        item = detections_queue.queue.get()
        if item is None:
            sentinels += 1
            continue
        if not isinstance(item, Detections):
            continue
        pending[item.seq] = item

        while next_seq in pending:
            item = pending.pop(next_seq)
            next_seq += 1
            # the nearest sample may be later than the frame: read up to it
            while not odometry_done and (not times or times[-1] < item.pts_ns):
                odo = odometry_queue.queue.get()
                if odo is None:
                    odometry_done = True
                    break
                times.append(odo.pts_ns)
                poses.append(odo)
            i = bisect.bisect_left(times, item.pts_ns)
            near = [k for k in (i - 1, i) if 0 <= k < len(times)]
            if not near:
                continue
            best = min(near, key=lambda k: abs(times[k] - item.pts_ns))
            if abs(times[best] - item.pts_ns) > max_distance_ns:
                continue  # dropped: no odometry near enough
            output_queue.queue.put(Located(item, poses[best]))
            # older samples are no use any more
            if best > 64:
                del times[:best - 1], poses[:best - 1]

    output_queue.queue.put(None)
