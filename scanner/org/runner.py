"""The org scan loop: repositories in, blob batches out to an executor, results into the datastore.

The main process is the only writer. For each repository it lists what is new (commits no scan
walked, blobs no scan read, under the current rule set), sends the unread blobs to the executor
in batches, commits each batch's results as it arrives, then walks the new commits and rewrites
the repository's occurrences in one transaction. A crash loses at most the batches in flight.

Repositories sharing a root commit (forks, mirrors) are planned one after another, so the second
one finds the first one's commits already walked; unrelated repositories overlap freely. A blob
already in flight for another repository is waited for, not sent twice.
"""
from __future__ import annotations

import concurrent.futures
import time
from collections import deque
from dataclasses import dataclass, field

from ..dist.tasks import scanner_for
from ..errors import HushgateError
from ..report.text import escape_control
from ..sources.repo_state import commit_graph, new_history, ref_state
from ..store import scans
from .job import RepoJob, batches, occurrences_of, state_key

WAIT_SECONDS = 0.25
RESUBMISSIONS = 2  # of a batch whose local worker process died (Dask retries by itself)


@dataclass
class Totals:
    repos: int = 0
    scanned: int = 0
    unchanged: int = 0
    failures: list = field(default_factory=list)  # (name, error)
    blobs: int = 0
    bytes: int = 0
    reused: int = 0
    skipped: int = 0  # binary by name or too large: listed, never read
    blob_errors: int = 0
    repo_ids: list = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    def as_row(self) -> dict:
        return {"repos": self.repos, "repos_failed": len(self.failures), "blobs": self.blobs,
                "bytes": self.bytes, "seconds": self.seconds}


class OrgScan:
    def __init__(self, connection, spec, executor, fetcher, progress, exclude: tuple = (), fetch_jobs: int = 4):
        self.connection = connection
        self.spec = spec
        self.executor = executor
        self.fetcher = fetcher
        self.progress = progress
        self.exclude = exclude
        self.fetch_jobs = fetch_jobs
        self.totals = Totals()
        self.owner: dict = {}  # batch future -> (repository, entries)
        self.waiters: dict = {}  # batch future -> repositories waiting for it
        self.inflight: dict = {}  # blob -> batch future
        self.resubmitted: dict = {}  # id of a batch's entry list -> times resubmitted
        self.active: list[RepoJob] = []
        self.opened: deque = deque()  # inspected, waiting for executor room or for a fork to finish
        self.busy_roots: set = set()

    def run(self, refs: list) -> Totals:
        self.ruleset = scans.ruleset_id(self.connection, self.spec.identity, self.spec.ruleset)
        self.scan_id = scans.start_scan(self.connection, self.ruleset)
        self.flagged = scans.flagged_blobs(self.connection, self.ruleset)
        self.totals.repos = len(refs)
        self.progress.total(len(refs))
        records = [scans.repo_record(self.connection, ref.location, ref.name, ref.source) for ref in refs]
        self.totals.repo_ids = [record.id for record in records]
        fetchers = concurrent.futures.ThreadPoolExecutor(max_workers=self.fetch_jobs)
        ready = deque((ref, record, fetchers.submit(self.fetcher.repo_dir, ref)) for ref, record in zip(refs, records))
        status = "failed"
        try:
            while ready or self.active or self.opened or self.owner:
                self.admit(ready)
                self.collect()
                self.finish_ready()
                self.progress.tick()
            status = "complete"
        except KeyboardInterrupt:
            status = "interrupted"
            raise
        finally:
            if status != "complete":
                self.fetcher.cancel()
            fetchers.shutdown(wait=status == "complete", cancel_futures=True)
            self.executor.close(cancel=status != "complete")
            try:
                scans.finish_scan(self.connection, self.scan_id, status, self.totals.as_row())
            except Exception:  # noqa: BLE001 - the error that stopped the scan matters more
                if status == "complete":
                    raise
        scans.prune_rulesets(self.connection, self.ruleset)
        return self.totals

    def admit(self, ready: deque) -> None:
        """Plan repositories while the executor has room, and open the next ones as their fetches
        finish (git reads in this process while the workers scan); block only when there is
        nothing else to wait for."""
        room = max(2, 3 * self.executor.workers)
        while True:
            job = next((j for j in self.opened if not (j.roots & self.busy_roots)), None)
            if job is not None and len(self.owner) < room:
                self.opened.remove(job)
                self.plan(job)
            elif ready and len(self.opened) < room and (ready[0][2].done() or not (self.owner or self.active)):
                job = self.open(*ready.popleft())
                if job is not None:
                    self.opened.append(job)
            else:
                return

    def open(self, ref, record, future) -> RepoJob | None:
        """The repository's current state, or None when it is unchanged or unusable."""
        try:
            while True:
                try:
                    repo_dir = future.result(timeout=WAIT_SECONDS)
                    break
                except concurrent.futures.TimeoutError:
                    self.progress.tick()
            refs = ref_state(repo_dir)
            key = state_key(refs, self.spec.identity, self.exclude)
            if key == record.state_key:
                scans.record_unchanged(self.connection, self.scan_id, record.id)
                self.totals.unchanged += 1
                self.progress.repo_done()
                return None
            return RepoJob(ref, record.id, repo_dir, refs, key, commit_graph(repo_dir))
        except (HushgateError, OSError) as exc:
            self.fail_repo(ref, record.id, exc)
            return None

    def plan(self, job: RepoJob) -> None:
        from ..sources.blobs import blob_entries

        try:
            walked = scans.walked_commits(self.connection, self.ruleset, list(job.graph))
            job.history = new_history(job.graph, walked, job.refs.loose, job.refs.head)
            entries = []
            if job.history.listing is not None:
                entries = list(blob_entries(job.repo_dir, job.history.listing, self.spec.max_blob_size, job.skipped))
            known = scans.scanned_blobs(self.connection, self.ruleset, [entry.blob for entry in entries])
        except (HushgateError, OSError) as exc:
            self.fail_repo(job.ref, job.repo_id, exc)
            return
        self.totals.skipped += sum(job.skipped.values())
        own = []
        for entry in entries:
            if entry.blob in known:
                self.totals.reused += 1
            elif entry.blob in self.inflight:
                future = self.inflight[entry.blob]
                job.borrowed.setdefault(future, []).append(entry)
                job.pending.add(future)
                self.waiters[future].add(job)
            else:
                own.append(entry)
        self.active.append(job)
        self.busy_roots |= job.roots
        self.submit(job, own)

    def submit(self, job: RepoJob, entries: list) -> None:
        for batch in batches(entries):
            future = self.executor.submit(job.repo_dir, batch)
            self.owner[future] = (job, batch)
            self.waiters[future] = {job}
            job.pending.add(future)
            for entry in batch:
                self.inflight[entry.blob] = future
            self.progress.planned(sum(entry.size for entry in batch))

    def collect(self) -> None:
        if not self.owner:
            return
        done, _ = self.executor.wait(set(self.owner), WAIT_SECONDS)
        for future in done:
            job, batch = self.owner.pop(future)
            for entry in batch:
                if self.inflight.get(entry.blob) is future:
                    del self.inflight[entry.blob]
            waiting = self.waiters.pop(future)
            try:
                outcomes = future.result()
            except Exception as exc:  # noqa: BLE001 - a worker's failure fails its repository, not the scan
                if self.executor.worker_lost(exc) and self.resubmitted.get(id(batch), 0) < RESUBMISSIONS:
                    self.resubmit(job, batch, future, waiting)
                    continue
                self.fail_repo(job.ref, job.repo_id, exc, job)
                for other in waiting - {job}:  # they still need those blobs: their own batch now
                    other.pending.discard(future)
                    if not other.failed:
                        self.submit(other, other.borrowed.pop(future, []))
                continue
            scans.record_batch(self.connection, self.ruleset, outcomes)
            for outcome in outcomes:
                if outcome.findings:
                    self.flagged.add(outcome.blob)
                self.totals.blob_errors += outcome.outcome == "error"
            size = sum(outcome.size for outcome in outcomes)
            self.totals.blobs += len(outcomes)
            self.totals.bytes += size
            self.progress.scanned(len(outcomes), size)
            for other in waiting:
                other.pending.discard(future)

    def resubmit(self, job: RepoJob, batch: list, lost, waiting: set) -> None:
        """The same batch again, for everyone who waited for the lost one."""
        self.resubmitted[id(batch)] = self.resubmitted.get(id(batch), 0) + 1
        future = self.executor.submit(job.repo_dir, batch)
        self.owner[future] = (job, batch)
        self.waiters[future] = waiting
        for entry in batch:
            self.inflight[entry.blob] = future
        for other in waiting:
            other.pending.discard(lost)
            other.pending.add(future)
            if lost in other.borrowed:
                other.borrowed[future] = other.borrowed.pop(lost)

    def finish_ready(self) -> None:
        for job in [j for j in self.active if not j.pending]:
            self.active.remove(job)
            self.busy_roots -= job.roots
            try:
                walked, introduced, rows = occurrences_of(job, self.connection, self.ruleset, scanner_for(self.spec),
                                                          self.flagged, self.exclude)
                scans.record_repo(self.connection, self.scan_id, job.repo_id, self.ruleset, job.state_key,
                                  job.refs.head, walked, introduced, rows)
            except (HushgateError, OSError) as exc:
                self.fail_repo(job.ref, job.repo_id, exc)
                continue
            self.totals.scanned += 1
            self.progress.repo_done()

    def fail_repo(self, ref, repo_id: int, exc: BaseException, job: RepoJob | None = None) -> None:
        message = error_text(exc)
        if job is not None:
            if job.failed:
                return
            job.failed = True
            if job in self.active:
                self.active.remove(job)
                self.busy_roots -= job.roots
        self.totals.failures.append((ref.name, message))
        scans.record_failure(self.connection, self.scan_id, repo_id, message)
        self.progress.repo_done(message, ref.name)


def error_text(exc: BaseException) -> str:
    text = str(exc) if isinstance(exc, (HushgateError, OSError)) else f"{type(exc).__name__}: {exc}"
    return escape_control(text.strip().splitlines()[0] if text.strip() else type(exc).__name__)
