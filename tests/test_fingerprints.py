"""Fingerprint keys: where they come from, that they stay out of git, and that broken ones stop."""
import subprocess

import pytest

from scanner.errors import HushgateError
from scanner.fingerprints import KEY_ENV, KEY_FILE, key_id, resolve_key, value_fingerprint


def git(root, *args):
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def no_env_key(monkeypatch, tmp_path):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user-config"))


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    (root / "src").mkdir(parents=True)
    git(root, "init", "-q")
    return root


def test_environment_key_wins(monkeypatch, repo):
    monkeypatch.setenv(KEY_ENV, "ci-secret-key")
    assert resolve_key(repo) == b"ci-secret-key"
    assert not (repo / KEY_FILE).exists()


def test_repository_key_is_created_once_private_and_git_ignored(no_env_key, repo):
    key = resolve_key(repo / "src")
    path = repo / KEY_FILE
    assert path.read_bytes().strip() == key and len(key) == 64
    assert path.stat().st_mode & 0o077 == 0
    assert resolve_key(repo) == key
    assert git(repo, "status", "--porcelain", "--ignored=no") == ""
    assert (repo / ".git" / "info" / "exclude").read_text().count(f"/{KEY_FILE}") == 1


def test_linked_worktree_key_is_excluded_in_the_common_git_dir(no_env_key, repo, tmp_path):
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "--allow-empty", "-m", "init")
    worktree = tmp_path / "feature"
    git(repo, "worktree", "add", "-q", str(worktree))
    resolve_key(worktree)
    assert (worktree / KEY_FILE).exists()
    assert git(worktree, "status", "--porcelain") == ""


def test_outside_git_the_key_is_the_users_and_the_folder_is_untouched(no_env_key, tmp_path):
    folder = tmp_path / "plain"
    folder.mkdir()
    key = resolve_key(folder)
    assert list(folder.iterdir()) == []
    assert (tmp_path / "user-config" / "hushgate" / "fingerprint.key").read_bytes().strip() == key


def test_empty_or_unreadable_key_file_is_fatal(no_env_key, repo):
    (repo / KEY_FILE).write_text("\n")
    with pytest.raises(HushgateError, match="is empty"):
        resolve_key(repo)
    (repo / KEY_FILE).unlink()
    (repo / KEY_FILE).mkdir()
    with pytest.raises(HushgateError, match="cannot read fingerprint key"):
        resolve_key(repo)


def test_key_id_names_the_key_without_revealing_it():
    assert key_id(b"k1") != key_id(b"k2") and key_id(b"k1") == key_id(b"k1")
    assert "k1" not in key_id(b"k1")
    assert value_fingerprint(b"k1", "r", "hunter2") != value_fingerprint(b"k2", "r", "hunter2")
