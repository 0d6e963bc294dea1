"""`hushgate org scan --scheduler`: a real Dask cluster on 127.0.0.1 (a scheduler and two
workers, started once for this module) gives the same results as the local pool, even when a
worker dies mid-task."""
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from gitrepo import isolate_git
from orgrepos import big_repo, count_rows, finding_keys, reaped, report, small_org, wait_for

distributed = pytest.importorskip("distributed", reason="Dask distributed is not installed: pip install 'hushgate[dask]'")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def dask_command(role: str) -> list[str]:
    """`dask scheduler` / `dask worker`, run with this interpreter (whatever is on PATH)."""
    return [sys.executable, "-m", f"distributed.cli.dask_{role}"]


class Cluster:
    def __init__(self, root: Path):
        self.root = root
        self.address = f"tcp://127.0.0.1:{free_port()}"
        self.processes = []
        self.start("scheduler", "--host", "127.0.0.1", "--port", self.address.rsplit(":", 1)[1], "--no-dashboard")
        for number in range(2):
            self.add_worker(f"worker-{number}")
        self.wait_for_workers(2)

    def start(self, *args, name=None):
        log = open(self.root / f"{name or args[0]}.log", "w")
        process = subprocess.Popen([*dask_command(args[0]), *args[1:]], cwd=self.root, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(process)
        return process

    def add_worker(self, name: str):
        return self.start("worker", self.address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                          "--host", "127.0.0.1", "--name", name, "--local-directory", str(self.root / name), name=name)

    def wait_for_workers(self, count: int):
        with distributed.Client(self.address, timeout=30) as client:
            client.wait_for_workers(count, timeout=90)

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    running = Cluster(tmp_path_factory.mktemp("dask"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    root = tmp_path_factory.mktemp("org")
    with pytest.MonkeyPatch.context() as patch:
        isolate_git(patch, root)
        repos = small_org(root / "small")
        big_repo(root / "large" / "big", files=800)
        repos["upstream"].git("clone", "-q", "--bare", str(root / "large" / "big"), str(root / "large" / "big-fork.git"))
        yield root


def scan(cli, sources, db, *how):
    done = cli("org", "scan", *sources, "--db", db, "--no-progress", *how)
    assert done.returncode == 1, done.stdout + done.stderr
    return done


def test_the_cluster_finds_what_the_local_pool_finds(cluster, org, cli, tmp_path):
    on_cluster = scan(cli, [org / "small"], tmp_path / "cluster.sqlite", "--scheduler", cluster.address)
    local = scan(cli, [org / "small"], tmp_path / "local.sqlite", "--jobs", "1")
    assert finding_keys(report(cli, tmp_path / "cluster.sqlite")) == finding_keys(report(cli, tmp_path / "local.sqlite"))
    blobs = [re.search(r"([\d,]+) blobs read", done.stdout).group(1) for done in (on_cluster, local)]
    assert blobs[0] == blobs[1]
    again = scan(cli, [org / "small"], tmp_path / "cluster.sqlite", "--scheduler", cluster.address)
    assert "0 scanned, 3 unchanged" in again.stdout


def test_a_worker_killed_mid_task_has_its_batches_rerun_elsewhere(cluster, org, cli, tmp_path):
    db = tmp_path / "cluster.sqlite"
    spare = cluster.add_worker("spare")
    cluster.wait_for_workers(3)
    process = subprocess.Popen([sys.executable, "-m", "scanner", "org", "scan", str(org / "large"), "--db", str(db),
                                "--no-progress", "--scheduler", cluster.address],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with reaped(process):
        with distributed.Client(cluster.address, timeout=30) as client:
            address = next(a for a, info in client.scheduler_info()["workers"].items() if info["name"] == "spare")
            wait_for(lambda: client.processing().get(address) or process.poll() is not None)
            assert process.poll() is None, "the scan finished before the spare worker got a batch"
            pid = client.run(os.getpid, workers=[address])[address]
        os.kill(pid, signal.SIGKILL)  # the worker process, mid-batch, not its nanny
        os.killpg(spare.pid, signal.SIGTERM)  # and no restart: its batch must go to the others
        stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 1, stdout + stderr
    assert "2 repositories: 2 scanned, 0 unchanged, 0 failed" in stdout
    scan(cli, [org / "large"], tmp_path / "local.sqlite", "--jobs", "1")
    assert finding_keys(report(cli, db)) == finding_keys(report(cli, tmp_path / "local.sqlite"))
    assert count_rows(db, "blobs") == count_rows(tmp_path / "local.sqlite", "blobs")
