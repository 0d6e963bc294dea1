"""Shared fixtures. Tests run the real thing: real files, real git, real subprocesses."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# One Hyperscan cache and one fingerprint key for the whole session, inherited by subprocesses.
os.environ.setdefault("HUSHGATE_CACHE_DIR", tempfile.mkdtemp(prefix="hushgate-test-cache-"))
os.environ.setdefault("HUSHGATE_FINGERPRINT_KEY", "test-fingerprint-key")
os.environ.pop("NO_COLOR", None)


@pytest.fixture(scope="session")
def default_rules():
    from scanner.rules import load_rules

    return load_rules()


@pytest.fixture(scope="session")
def scanner(default_rules):
    from scanner.pipeline import Scanner

    return Scanner(default_rules, fingerprint_key=b"test-fingerprint-key")


def run_cli(*args, cwd=None, input=None, env=None):
    """Run `hushgate` as a user would, in a subprocess; returns CompletedProcess (text)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "scanner", *map(str, args)], cwd=cwd, input=input,
                          capture_output=True, text=True, env=full_env, timeout=300)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def git_repo(tmp_path, monkeypatch):
    """Factory of real git repositories in tmp_path: git_repo("name", bare=False) -> GitRepo.
    git runs isolated from the user's config and from any hook environment of this test run."""
    from gitrepo import GitRepo, isolate_git

    isolate_git(monkeypatch, tmp_path)

    def make(name: str = "repo", bare: bool = False):
        return GitRepo(tmp_path / name, bare=bare)

    return make
