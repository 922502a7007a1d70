"""
Bounded FIFO between workers: a multiprocessing manager queue proxy.
"""

import multiprocessing.managers
import queue


class QueueProxyWrapper:
    """
    A manager queue and its size. Every item put is pickled, sent to the
    manager process, and pickled again to whoever gets it.
    """

    __QUEUE_TIMEOUT = 0.1  # seconds

    def __init__(self, mp_manager: multiprocessing.managers.SyncManager, maxsize: int = 0) -> None:
        self.queue = mp_manager.Queue(maxsize)
        self.maxsize = maxsize

    def fill_queue_with_sentinel(self, timeout: float = __QUEUE_TIMEOUT) -> None:
        """
        Fills the queue with None, which tells its reader to exit.
        """
        try:
            for _ in range(0, max(self.maxsize, 1)):
                self.queue.put(None, timeout=timeout)
        except queue.Full:
            pass

    def drain_queue(self, timeout: float = __QUEUE_TIMEOUT) -> None:
        """
        Empties the queue. Whatever was still in it is discarded.
        """
        try:
            while True:
                self.queue.get(timeout=timeout)
        except queue.Empty:
            pass

    def fill_and_drain_queue(self) -> None:
        """
        At exit: wake every reader with sentinels, then empty the queue.
        """
        self.fill_queue_with_sentinel()
        self.drain_queue()
