"""
A stage that does no work: what the chain costs is the model itself.
"""

from bench_item import BenchItem
from workers import queue_proxy_wrapper
from workers import worker_controller


def passthrough_worker(
    input_queue: queue_proxy_wrapper.QueueProxyWrapper,
    output_queue: queue_proxy_wrapper.QueueProxyWrapper,
    controller: worker_controller.WorkerController,
) -> None:
    """
    Worker process: gets an item, passes it on, until exit or a sentinel.
    """
    while not controller.is_exit_requested():
        controller.check_pause()

        input_data = input_queue.queue.get()
        if input_data is None:
            break

        if not isinstance(input_data, BenchItem):
            continue

        output_queue.queue.put(input_data)
