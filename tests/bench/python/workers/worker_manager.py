"""
Starts and joins the identical processes of one worker type.
"""

import multiprocessing as mp


class WorkerManager:
    """
    N identical worker processes, started and joined together.
    """

    def __init__(self, count: int, target: "(...) -> object", args: tuple) -> None:
        assert count > 0, "a worker type needs at least one process"
        self.__target = target
        self.__workers = [mp.Process(target=target, args=args) for _ in range(count)]

    def start_workers(self) -> None:
        for worker in self.__workers:
            worker.start()

    def are_workers_alive(self) -> bool:
        """
        The model's only health check.
        """
        return all(worker.is_alive() for worker in self.__workers)

    def pids(self) -> "list[int]":
        """
        The processes' ids (None before start_workers()).
        """
        return [worker.pid for worker in self.__workers]

    def failed(self) -> bool:
        """
        A process ended with an error (an exception, a signal).
        """
        return any(worker.exitcode not in (None, 0) for worker in self.__workers)

    def join_workers(self, timeout: "float | None" = None) -> None:
        for worker in self.__workers:
            worker.join(timeout)

    def terminate_workers(self) -> None:
        for worker in self.__workers:
            if worker.is_alive():
                worker.terminate()
        self.join_workers()
