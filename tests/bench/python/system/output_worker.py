"""
Worker 7: into a driver, here a file. Each item as a line of JSON (what
jsonlinesenc ! filesink writes), flushed at once.
"""

import json

from workers import queue_proxy_wrapper
from workers import worker_controller


def output_worker(
    path: str,
    input_queue: queue_proxy_wrapper.QueueProxyWrapper,
    controller: worker_controller.WorkerController,
) -> None:
    with open(path, "w") as f:
        while not controller.is_exit_requested():
            controller.check_pause()

            item = input_queue.queue.get()
            if item is None:
                break
            f.write(json.dumps(item) + "\n")
            f.flush()
