"""Real git repositories in temporary directories, isolated from the user's and the machine's
git configuration and from any hook environment the test run itself inherited."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path


def isolate_git(monkeypatch, home: Path) -> None:
    for name in list(os.environ):
        if name.startswith(("GIT_", "PRE_COMMIT")):
            monkeypatch.delenv(name)
    config = home / "gitconfig"
    config.write_text("[user]\n\tname = Test Author\n\temail = author@example.com\n"
                      "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
                      "[protocol \"file\"]\n\tallow = always\n[advice]\n\tdetachedHead = false\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


class GitRepo:
    """A repository with helpers that read like what a developer types."""

    clock = 1_700_000_000  # commit dates one minute apart, so "oldest" is never a tie

    def __init__(self, path: Path, bare: bool = False, init: bool = True):
        self.path = Path(path)
        if init:
            self.path.mkdir(parents=True, exist_ok=True)
            self.git("init", "-q", *(["--bare"] if bare else []))

    def run(self, *args, input: str | bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
        GitRepo.clock += 60
        date = f"{GitRepo.clock} +0000"
        stdin = subprocess.DEVNULL if input is None else None
        return subprocess.run(["git", *map(str, args)], cwd=self.path, input=input, stdin=stdin, capture_output=True,
                              env={**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, **(env or {})},
                              text=not isinstance(input, bytes))

    def git(self, *args, input: str | bytes | None = None, check: bool = True, env: dict | None = None) -> str:
        done = self.run(*args, input=input, env=env)
        if check and done.returncode != 0:
            raise AssertionError(f"git {' '.join(map(str, args))} failed: {done.stderr}")
        return done.stdout.strip() if isinstance(done.stdout, str) else done.stdout

    def write(self, name: str, content: str | bytes) -> Path:
        path = self.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def add(self, *names: str) -> None:
        self.git("add", "--", *(names or ["."]))

    def commit(self, message: str = "change", **files) -> str:
        """Write `files` (name=content; use a dict via ** for odd names), stage everything, commit."""
        for name, content in files.items():
            self.write(name, content)
        self.git("add", "-A")
        self.git("commit", "-q", "--no-verify", "--allow-empty", "-m", message)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")
