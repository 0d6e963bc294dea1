"""Executors an org scan submits blob batches to, on this machine.

Every executor offers submit(repo_dir, entries) -> future, wait(futures, timeout) -> (done,
pending) and close(). `InlineExecutor` runs one batch per wait() in this process, so results are
committed batch by batch exactly as with a pool; `ProcessExecutor` forks workers that inherit the
loaded rules and Hyperscan database (the Dask executor lives in dask.py).
"""
from __future__ import annotations

import concurrent.futures
import multiprocessing
import signal
from collections import deque
from concurrent.futures.process import BrokenProcessPool

from . import tasks


class InlineExecutor:
    workers = 1

    def __init__(self, spec: tasks.ScanSpec):
        self.spec = spec
        self.queue: deque = deque()

    def submit(self, repo_dir: str, entries: list) -> concurrent.futures.Future:
        future: concurrent.futures.Future = concurrent.futures.Future()
        self.queue.append((future, repo_dir, entries))
        return future

    def wait(self, futures: set, timeout: float):
        while self.queue:
            future, repo_dir, entries = self.queue.popleft()
            if future.cancelled():
                continue
            try:
                future.set_result(tasks.scan_blobs(self.spec, repo_dir, entries))
            except Exception as exc:  # noqa: BLE001 - handed over like a pool worker's failure
                future.set_exception(exc)
            break
        done = {f for f in futures if f.done()}
        return done, set(futures) - done

    def worker_lost(self, exc: BaseException) -> bool:
        return False

    def close(self, cancel: bool = False) -> None:
        self.queue.clear()


def ignore_interrupts(spec: tasks.ScanSpec) -> None:
    """Ctrl-C reaches the whole process group: the main process stops the scan, workers stay quiet."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tasks.install(spec)


class ProcessExecutor:
    def __init__(self, spec: tasks.ScanSpec, workers: int):
        self.spec = spec
        self.workers = workers
        self.pool = None

    def start(self):
        if self.pool is None:
            tasks.scanner_for(self.spec)  # built once here, inherited by every forked worker
            self.pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("fork"),
                initializer=ignore_interrupts, initargs=(self.spec,))
        return self.pool

    def submit(self, repo_dir: str, entries: list):
        try:
            return self.start().submit(tasks.installed_scan_blobs, repo_dir, entries)
        except BrokenProcessPool:  # a worker died (killed, out of memory): a fresh pool takes over
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
            return self.start().submit(tasks.installed_scan_blobs, repo_dir, entries)

    def worker_lost(self, exc: BaseException) -> bool:
        return isinstance(exc, BrokenProcessPool)

    def wait(self, futures: set, timeout: float):
        done, pending = concurrent.futures.wait(futures, timeout=timeout,
                                                return_when=concurrent.futures.FIRST_COMPLETED)
        return done, pending

    def close(self, cancel: bool = False) -> None:
        if self.pool is None:
            return
        if cancel:
            for process in list(getattr(self.pool, "_processes", {}).values()):
                process.kill()  # our own workers; an interrupted scan must not wait for their batches
        self.pool.shutdown(wait=True, cancel_futures=cancel)
        self.pool = None


def local_executor(spec: tasks.ScanSpec, jobs: int):
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return InlineExecutor(spec)
    return ProcessExecutor(spec, jobs)
