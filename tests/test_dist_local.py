"""The local process pool: results in input order, streamed, small jobs kept in-process."""
import itertools
import os

import pytest

from scanner.dist.local import SMALL_JOB_BYTES, ordered_map

BIG = SMALL_JOB_BYTES // 4  # four such items make a job worth forking for


def tagged(batch):
    return [(item, os.getpid()) for item in batch]


def test_parallel_results_come_back_in_input_order():
    items = list(range(60))
    results = list(ordered_map(tagged, items, jobs=2, weight=lambda item: BIG))
    assert [item for item, _ in results] == items
    assert all(result[0] == item for item, result in results)
    assert os.getpid() not in {pid for _, (_, pid) in results}


def test_a_small_job_runs_in_this_process():
    results = list(ordered_map(tagged, range(50), jobs=2, weight=lambda item: 1))
    assert {pid for _, (_, pid) in results} == {os.getpid()}
    assert [item for item, _ in results] == list(range(50))


def test_an_endless_stream_is_consumed_as_results_are_taken():
    """Bounded work in flight: taking a few results from an endless input returns."""
    pulled = []

    def endless():
        for item in itertools.count():
            pulled.append(item)
            yield item

    results = ordered_map(tagged, endless(), jobs=2, weight=lambda item: BIG)
    first = [item for item, _ in itertools.islice(results, 40)]
    results.close()
    assert first == list(range(40))
    assert len(pulled) < 200  # the rest of the stream was never materialised


def failing(batch):
    if 13 in batch:
        raise ValueError("batch with 13")
    return batch


def test_a_worker_error_reaches_the_caller():
    with pytest.raises(ValueError, match="batch with 13"):
        list(ordered_map(failing, range(40), jobs=2, weight=lambda item: BIG))
