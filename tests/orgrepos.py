"""Repositories for org-scan tests: a small organisation with a fork, and a large repository
(made with git fast-import) that takes long enough to scan to be interrupted mid-way."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from fakes import AWS_KEY_ID, AWS_SECRET, TOKEN_LINE
from gitrepo import GitRepo

AWS_LINES = f"aws_access_key_id = {AWS_KEY_ID}\naws_secret_access_key = {AWS_SECRET}\n"


def small_org(root: Path) -> dict:
    """root/upstream (work tree), root/fork.git (bare clone + a commit of its own), root/clean."""
    upstream = GitRepo(root / "upstream")
    upstream.commit("start", **{"app.py": "print('hello')\n", "README.md": "# upstream\n"})
    upstream.commit("config", **{"config.ini": TOKEN_LINE})
    upstream.commit("more", **{"app.py": "print('hello, world')\n"})
    fork = GitRepo(root / "fork.git", init=False)
    upstream.git("clone", "-q", "--bare", str(upstream.path), str(fork.path))
    work = GitRepo(root.parent / f"{root.name}-fork-work", init=False)
    upstream.git("clone", "-q", str(fork.path), str(work.path))
    work.commit("fork creds", **{"deploy/creds.txt": AWS_LINES})
    work.git("push", "-q", "origin", "HEAD")
    clean = GitRepo(root / "clean")
    clean.commit("start", **{"main.c": "int main(void) { return 0; }\n"})
    return {"upstream": upstream, "fork": fork, "clean": clean, "fork_work": work}


def big_repo(path: Path, files: int = 1200, size: int = 4000) -> GitRepo:
    """A repository of `files` distinct text blobs of about `size` bytes over four commits, plus
    one fake secret, written in one fast-import stream. Every line is full of keywords that send
    the engine to its slow path (no line is a finding), so scanning it takes seconds: long
    enough to be interrupted mid-way."""
    repo = GitRepo(path)
    commands = []
    per_commit = files // 4
    for commit in range(4):
        stamp = f"{1_700_000_000 + commit * 60} +0000"
        commands.append(f"commit refs/heads/main\nauthor Test <t@example.com> {stamp}\n"
                        f"committer Test <t@example.com> {stamp}\ndata 7\nchunk {commit}\n")
        for number in range(commit * per_commit, (commit + 1) * per_commit):
            body = "".join(f'password = get_secret("token_{number}_{line}")  # api key auth bearer secret\n'
                           for line in range(size // 70))
            if number == 7:
                body += TOKEN_LINE
            commands.append(f"M 100644 inline src/module_{number:05d}.py\ndata {len(body.encode())}\n{body}\n")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=path, input="".join(commands).encode(), check=True)
    repo.git("symbolic-ref", "HEAD", "refs/heads/main")
    return repo


def report(cli, db, *args) -> dict:
    done = cli("org", "report", "--db", db, "-f", "json", *args)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def finding_keys(document: dict) -> list:
    """What must be equal between two scans of the same repositories, in a stable order."""
    return sorted((f["repo"], f["path"], f["line"], f["column"], f["rule_id"], f["fingerprint"], f.get("commit"),
                   f.get("in_head"), f["status"]) for f in document["findings"])


def wait_for(predicate, timeout: float = 60, interval: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out waiting")


def count_rows(db: Path, table: str) -> int:
    """Rows in a table of a datastore another process is writing (0 while it does not exist yet)."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.Error:
        return 0


@contextmanager
def reaped(process: subprocess.Popen):
    """Kill `process` if the block leaves it running (a failed assertion, a timeout)."""
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
