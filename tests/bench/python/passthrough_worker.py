"""
A stage that does no work (what the chain costs is the model itself), or
`work` turns of a pure-Python loop per item (bench_item.spin), or, with
`touch`, a read of one byte of every 64-byte cache line of the item's data
(bench_item.touch: what benchworker touch=true does).
"""

from bench_item import BenchItem, spin, touch as touch_data
from workers import queue_proxy_wrapper
from workers import worker_controller


def passthrough_worker(
    input_queue: queue_proxy_wrapper.QueueProxyWrapper,
    output_queue: queue_proxy_wrapper.QueueProxyWrapper,
    controller: worker_controller.WorkerController,
    work: int = 0,
    touch: bool = False,
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
        if work:
            spin(work)
        if touch:
            touch_data(input_data.data)

        output_queue.queue.put(input_data)
