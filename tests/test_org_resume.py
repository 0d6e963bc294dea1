"""An org scan killed (SIGKILL) or interrupted (Ctrl-C) mid-run resumes where it stopped,
with no finding lost and none duplicated; a local worker process dying mid-batch costs nothing."""
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gitrepo import isolate_git
from orgrepos import big_repo, count_rows, finding_keys, reaped, report, small_org, wait_for


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    root = tmp_path_factory.mktemp("org")
    with pytest.MonkeyPatch.context() as patch:
        isolate_git(patch, root)
        small_org(root / "org")
        big_repo(root / "org" / "big", files=800)
        yield root / "org"


@pytest.fixture(scope="module")
def reference(org, tmp_path_factory):
    """The report of one uninterrupted scan."""
    db = tmp_path_factory.mktemp("reference") / "org.sqlite"
    done = subprocess.run(command(org, db), capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    return db


def command(org, db, jobs=1):
    return [sys.executable, "-m", "scanner", "org", "scan", str(org), "--db", str(db), "--jobs", str(jobs),
            "--no-progress"]


def blobs_read(stdout: str) -> int:
    return int(re.search(r"([\d,]+) blobs read", stdout).group(1).replace(",", ""))


def scan_statuses(db) -> list:
    with sqlite3.connect(db) as connection:
        return [row[0] for row in connection.execute("SELECT status FROM scans ORDER BY id")]


def test_sigkill_mid_scan_then_resume_loses_and_duplicates_nothing(org, reference, cli, tmp_path):
    db = tmp_path / "org.sqlite"
    process = subprocess.Popen(command(org, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: count_rows(db, "blobs") > 0 or process.poll() is not None)
        process.kill()
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the scan finished before it could be killed"
    saved = count_rows(db, "blobs")
    done = cli("org", "scan", org, "--db", db, "--jobs", "1", "--no-progress")
    assert done.returncode == 1, done.stderr
    total = count_rows(reference, "blobs")
    assert 0 < saved < total
    assert blobs_read(done.stdout) == total - saved  # nothing read twice
    assert count_rows(db, "blobs") == total
    assert finding_keys(report(cli, db)) == finding_keys(report(cli, reference))
    assert count_rows(db, "occurrences") == count_rows(reference, "occurrences")
    assert scan_statuses(db) == ["interrupted", "complete"]


def test_ctrl_c_stops_cleanly_with_a_partial_summary(org, reference, cli, tmp_path):
    db = tmp_path / "org.sqlite"
    process = subprocess.Popen(command(org, db, jobs=2), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    with reaped(process):
        wait_for(lambda: count_rows(db, "blobs") > 0 or process.poll() is not None)
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
        stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "hushgate org scan interrupted after" in stderr and "run the same command again to resume" in stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert scan_statuses(db) == ["interrupted"]
    done = cli("org", "scan", org, "--db", db, "--jobs", "1", "--no-progress")
    assert done.returncode == 1 and "already known" in done.stdout
    assert finding_keys(report(cli, db)) == finding_keys(report(cli, reference))


def python_children(pid: int) -> set[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return {int(c) for c in children if b"scanner" in Path(f"/proc/{c}/cmdline").read_bytes()}
    except OSError:
        return set()


def pool_workers(pid: int) -> list[int]:
    """The scan's forked worker processes: its other children are git, which look like Python
    only for the instant between fork and exec."""
    first = python_children(pid)
    time.sleep(0.1)
    return sorted(first & python_children(pid))


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finding the worker processes needs Linux /proc")
def test_a_local_worker_killed_mid_batch_has_its_batch_rerun(org, reference, cli, tmp_path):
    db = tmp_path / "org.sqlite"
    process = subprocess.Popen(command(org, db, jobs=2), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with reaped(process):
        workers = wait_for(lambda: pool_workers(process.pid) or process.poll() is not None)
        assert process.poll() is None, "the scan finished before a worker could be killed"
        os.kill(workers[0], signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 1, stdout + stderr
    assert "0 failed" in stdout
    assert finding_keys(report(cli, db)) == finding_keys(report(cli, reference))
