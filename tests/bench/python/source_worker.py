"""
The first worker of the chain: where a camera driver would be.
"""

import multiprocessing.synchronize

from bench_item import BenchItem
from workers import queue_proxy_wrapper
from workers import worker_controller


class BenchSource:
    """
    Makes count items of size bytes (or carrying size, when it is bytes
    already: a frame), all sharing one block of data (the queues copy it
    anyway). With a window, waits for a free slot before
    making each item: the main process frees one per item it receives.
    """

    def __init__(
        self, count: int, size: "int | bytes", window: "multiprocessing.synchronize.Semaphore | None"
    ) -> None:
        self.__count = count
        self.__data = size if isinstance(size, bytes) else bytes(size)
        self.__window = window
        self.__next = 0

    def run(self) -> "tuple[bool, BenchItem | None]":
        if self.__next >= self.__count:
            return False, None
        if self.__window is not None:
            self.__window.acquire()
        item = BenchItem(self.__next, self.__data)
        self.__next += 1
        return True, item


def source_worker(
    count: int,
    size: "int | bytes",
    window: "multiprocessing.synchronize.Semaphore | None",
    output_queue: queue_proxy_wrapper.QueueProxyWrapper,
    controller: worker_controller.WorkerController,
) -> None:
    """
    Worker process: produces until the source runs out or exit is asked.
    """
    source = BenchSource(count, size, window)

    while not controller.is_exit_requested():
        controller.check_pause()

        result, value = source.run()
        if not result:
            break

        output_queue.queue.put(value)
