"""
Controls workers: pause, resume and exit requests from the main process.
"""

import multiprocessing as mp
import time


class WorkerController:
    """
    Shared by every worker of a system. Pause is a semaphore the main
    process holds; exit is a flag, a queue of one item, that workers poll.
    """

    __QUEUE_DELAY = 0.1  # seconds: mp.Queue.put() lands asynchronously

    def __init__(self) -> None:
        self.__pause = mp.BoundedSemaphore(1)
        self.__is_paused = False
        self.__exit_queue = mp.Queue(1)

    def request_pause(self) -> None:
        """
        Workers block at their next check_pause() until resumed.
        """
        if not self.__is_paused:
            self.__pause.acquire()
            self.__is_paused = True

    def request_resume(self) -> None:
        """
        Lets paused workers go on.
        """
        if self.__is_paused:
            self.__pause.release()
            self.__is_paused = False

    def check_pause(self) -> None:
        """
        Called by a worker at the top of every loop: blocks while paused.
        """
        self.__pause.acquire()
        self.__pause.release()

    def request_exit(self) -> None:
        """
        Asks every worker to leave its loop. Does nothing if already asked.
        """
        if self.__exit_queue.empty():
            self.__exit_queue.put(None)
        time.sleep(self.__QUEUE_DELAY)

    def is_exit_requested(self) -> bool:
        """
        Polled by a worker once per loop. Racy: a worker may do one more
        loop after the request.
        """
        return not self.__exit_queue.empty()
