"""The Dask executor: the same blob batches as the local pool, run on a Dask distributed cluster
(`--scheduler tcp://HOST:PORT`). Imported only when asked for, so Dask stays an optional extra.

Workers read the repositories at the paths the client sees them (shared storage); the scan spec,
with the rules and the fingerprint key, is sent to every worker once. A batch whose worker dies
is rerun elsewhere by Dask; a batch that raises is retried `retries` times before its
repository is reported as failed.
"""
from __future__ import annotations

from ..errors import HushgateError
from . import tasks

RETRIES = 2


class DaskExecutor:
    def __init__(self, address: str, spec: tasks.ScanSpec, connect_seconds: float = 30,
                 workers_seconds: float = 120):
        try:
            import distributed
        except ImportError:
            raise HushgateError("--scheduler needs Dask distributed: pip install 'hushgate[dask]'") from None
        self.distributed = distributed
        try:
            self.client = distributed.Client(address, timeout=connect_seconds)  # default: wait() needs one
        except (OSError, TimeoutError, ValueError) as exc:
            raise HushgateError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        try:
            self.client.wait_for_workers(1, timeout=workers_seconds)
        except TimeoutError:
            self.client.close()
            raise HushgateError(f"the Dask scheduler at {address} has no workers "
                                f"(waited {workers_seconds:.0f}s)") from None
        info = self.client.scheduler_info().get("workers", {})
        self.workers = max(1, sum(worker.get("nthreads", 1) for worker in info.values()))
        self.spec = self.client.scatter(spec, broadcast=True, hash=False)

    def submit(self, repo_dir: str, entries: list):
        return self.client.submit(tasks.scan_blobs, self.spec, repo_dir, entries, retries=RETRIES, pure=False)

    def wait(self, futures: set, timeout: float):
        try:
            result = self.distributed.wait(list(futures), timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            return set(), set(futures)
        return set(result.done), set(result.not_done)

    def worker_lost(self, exc: BaseException) -> bool:
        return False  # Dask has already rerun the batch elsewhere, up to its allowed failures

    def close(self, cancel: bool = False) -> None:
        # Closing the client releases its futures: the scheduler forgets batches nobody waits for.
        self.client.close()
