"""The real pre-commit framework running this project's `.pre-commit-hooks.yaml`, end to end.

The hook repository is a snapshot of this working tree committed into a temporary repository
(so uncommitted work is what gets tested); pre-commit builds its environment from it once per
module, into a temporary PRE_COMMIT_HOME.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from fakes import AWS_KEY_ID, GITHUB_PAT, TOKEN_LINE

SKIPPED_FOLDERS = ("bench/", "tests/", "examples/", "docs/")


def snapshot_of_this_project(target: Path) -> str:
    """Commit the working tree's files (tracked or not, minus ignored ones) into `target`."""
    listing = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                             capture_output=True, check=True).stdout.decode()
    for name in filter(None, listing.split("\0")):
        source = ROOT / name
        if name.startswith(SKIPPED_FOLDERS) or not source.is_file():
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name)
    identity = ["-c", "user.name=Snapshot", "-c", "user.email=snapshot@example.com"]
    for command in (["init", "-q"], ["add", "-A"], [*identity, "commit", "-q", "--no-verify", "-m", "snapshot"]):
        subprocess.run(["git", *command], cwd=target, check=True, capture_output=True)
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=target, capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory):
    base = tmp_path_factory.mktemp("framework")
    with pytest.MonkeyPatch.context() as patch:
        from gitrepo import isolate_git

        isolate_git(patch, base)
        rev = snapshot_of_this_project(base / "hushgate")
    return {"repo": base / "hushgate", "rev": rev, "env": {"PRE_COMMIT_HOME": str(base / "pre-commit-home")}}


def pre_commit(repo, *args):
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=repo.path, capture_output=True,
                          text=True, env={**os.environ, **repo.env})


@pytest.fixture
def consumer(git_repo, hook_repository):
    """A project that uses hushgate through .pre-commit-config.yaml, hooks installed."""
    repo = git_repo("consumer")
    repo.env = hook_repository["env"]
    repo.commit("config", **{".pre-commit-config.yaml": (
        f"repos:\n- repo: {hook_repository['repo']}\n  rev: {hook_repository['rev']}\n"
        "  hooks:\n  - id: hushgate\n  - id: hushgate-push\n")})
    done = pre_commit(repo, "install", "--hook-type", "pre-commit", "--hook-type", "pre-push")
    assert done.returncode == 0, done.stdout + done.stderr
    return repo


def test_a_commit_with_a_secret_is_blocked_with_a_readable_message(consumer):
    before = consumer.head()
    consumer.write("settings.py", f"DEBUG = True\n{TOKEN_LINE}")
    consumer.add()
    done = consumer.run("commit", "-m", "add settings", env=consumer.env)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert consumer.head() == before
    assert "hushgate (secrets in staged changes)" in output and "Failed" in output
    assert "settings.py" in output and "2:10" in output and "GitHub personal access token" in output
    assert "SKIP=hushgate git commit" in output and "hushgate:allow" in output
    assert GITHUB_PAT not in output


def test_a_clean_commit_passes(consumer):
    consumer.write("app.py", "print('hello')\n")
    consumer.add()
    done = consumer.run("commit", "-m", "clean", env=consumer.env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"hushgate \(secrets in staged changes\)\.+Passed", done.stdout + done.stderr)


def test_run_all_files_finds_a_secret_committed_earlier(consumer):
    consumer.commit("sneaked in with --no-verify", **{"legacy/old.cfg": f"aws_access_key_id = {AWS_KEY_ID}\n"})
    done = pre_commit(consumer, "run", "--all-files")
    assert done.returncode != 0
    assert "legacy/old.cfg" in done.stdout and "aws-access-key-id" in done.stdout


def test_push_hook_catches_a_secret_added_and_removed_in_the_push(consumer, git_repo):
    origin = git_repo("origin.git", bare=True)
    consumer.git("remote", "add", "origin", origin.path)
    assert consumer.run("push", "-q", "origin", "main", env=consumer.env).returncode == 0  # the root push
    consumer.commit("add", **{"deploy.sh": f"export GITHUB_TOKEN={GITHUB_PAT}\n"})
    consumer.git("rm", "-q", "deploy.sh")
    consumer.commit("remove")
    done = consumer.run("push", "origin", "main", env=consumer.env)
    assert done.returncode != 0
    assert "deploy.sh" in done.stdout + done.stderr
    assert consumer.git("ls-remote", "origin", "main").split()[0] != consumer.head()
