"""Local process pool: forked workers inherit the loaded rules and the Hyperscan database.

Work is handed out in batches (about a megabyte of input each: big enough that the
per-task cost of the pool vanishes, small enough that both cores stay busy to the end), with a
bounded number in flight, so an endless stream of items never piles up in memory. Results come
back in input order, whichever worker finishes first.
"""
from __future__ import annotations

import os
from collections import deque
from itertools import chain

SMALL_JOB_BYTES = 2 << 20  # below this, starting workers costs more than it saves
BATCH_BYTES = 1 << 20
BATCH_ITEMS = 256
IN_FLIGHT_PER_WORKER = 3
_work = None


def _run_batch(batch):
    return _work(batch)


def ordered_map(batch_function, items, jobs: int = 1, weight=lambda item: 1):
    """(item, result) pairs in input order, `batch_function(batch)` giving the results of a batch.

    Runs in this process when one job is asked for, fork is unavailable, or the items weigh
    less than SMALL_JOB_BYTES in all."""
    items = iter(items)
    head, total = [], 0
    for item in items:
        head.append(item)
        total += weight(item)
        if total >= SMALL_JOB_BYTES:
            break
    batches = in_batches(chain(head, items), weight)
    if jobs <= 1 or total < SMALL_JOB_BYTES or not can_fork():
        for batch in batches:
            yield from zip(batch, batch_function(batch))
        return
    yield from pooled(batch_function, batches, min(jobs, os.cpu_count() or jobs))


def pooled(batch_function, batches, workers: int):
    import multiprocessing

    global _work
    _work = batch_function
    pending: deque = deque()
    with multiprocessing.get_context("fork").Pool(processes=workers, initializer=ignore_interrupts) as pool:
        for batch in batches:
            pending.append((batch, pool.apply_async(_run_batch, (batch,))))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                batch, results = pending.popleft()
                yield from zip(batch, results.get())
        while pending:
            batch, results = pending.popleft()
            yield from zip(batch, results.get())


def ignore_interrupts() -> None:
    """Ctrl-C reaches every process of the terminal's group: workers leave it to the parent,
    which stops them (the pool's exit terminates them) and prints one line, not a traceback each."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def in_batches(items, weight):
    batch, size = [], 0
    for item in items:
        batch.append(item)
        size += weight(item)
        if size >= BATCH_BYTES or len(batch) >= BATCH_ITEMS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()
