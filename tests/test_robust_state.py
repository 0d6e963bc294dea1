"""Corrupt state: baseline, ignore file, config, fingerprint key, cache and datastore. What only
costs speed (the cache) is rebuilt silently; what a team relies on fails in one line, exit 2."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from fakes import TOKEN_LINE



@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "tree"
    root.mkdir()
    (root / "a.env").write_text(TOKEN_LINE)
    return root


def one_line_error(done, *words):
    assert done.returncode == 2, done.stdout
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert all(word in done.stderr for word in words), done.stderr


@pytest.mark.parametrize("content, words", [
    ("{not json", ["baseline", "invalid JSON"]),
    ("[]", ["baseline", "corrupt"]),
    ('{"version": 99, "key_id": "x", "entries": []}', ["newer than this hushgate"]),
    ('{"version": 1, "key_id": "x", "entries": [{"fingerprint": 1}]}', ["entry 1"]),
    ('{"version": 1, "key_id": "x", "entries": []}', ["fingerprint key"]),
    (b"\xff\xfe\x00garbage", ["cannot read baseline"]),
    ("", ["baseline", "invalid JSON"]),
])
def test_corrupt_baseline(tree, tmp_path, cli, content, words):
    path = tmp_path / "baseline.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    one_line_error(cli("scan", tree, "--baseline", path), *words)
    one_line_error(cli("baseline", "prune", tree, "--baseline", path), *words)


@pytest.mark.parametrize("content, words", [
    ("[[ignore]\n", ["not valid TOML"]),
    ("[[ignore]]\nrule = \"x\"\n", ["reason"]),
    ("[[ignore]]\nreason = \"r\"\n", ["needs at least one"]),
    ("[[ignore]]\nrule = \"x\"\nreason = \"r\"\nexpire = 2020-01-01\n", ["unknown key 'expire'"]),
    ("[[ignore]]\nrule = \"x\"\nreason = \"r\"\nexpires = \"soon\"\n", ["YYYY-MM-DD"]),
    ("ignore = 3\n", ["array of tables"]),
])
def test_corrupt_ignore_file(tree, cli, content, words):
    (tree / ".hushgateignore").write_text(content)
    one_line_error(cli("scan", tree), "ignore file", *words)


@pytest.mark.parametrize("content, words", [
    ("exclude = [\n", ["invalid TOML"]),
    ("exclude = 3\n", ["'exclude'"]),
    ("min_confidence = \"sure\"\n", ["min_confidence"]),
    ("rules = [\"missing.toml\"]\n", ["rule pack not found"]),
    ("exlude = [\"vendor/\"]\n", ["unknown setting", "'exlude'"]),
])
def test_corrupt_config(tree, cli, content, words):
    (tree / ".hushgate.toml").write_text(content)
    one_line_error(cli("scan", tree), *words)


def test_empty_or_unreadable_fingerprint_key(git_repo, cli):
    repo = git_repo()
    repo.commit("one", **{"a.txt": "a\n"})
    env = {"HUSHGATE_FINGERPRINT_KEY": ""}
    (repo.path / ".hushgate.key").write_text("")
    one_line_error(cli("scan", ".", cwd=repo.path, env=env), "fingerprint key", "empty")
    (repo.path / ".hushgate.key").unlink()
    (repo.path / ".hushgate.key").mkdir()
    one_line_error(cli("scan", ".", cwd=repo.path, env=env), "cannot read fingerprint key")


def test_corrupt_cache_is_rebuilt_and_results_do_not_change(tree, tmp_path):
    cache = tmp_path / "cache"
    env = {**os.environ, "HUSHGATE_CACHE_DIR": str(cache)}

    def scan():
        done = subprocess.run([sys.executable, "-m", "scanner", "scan", tree, "-f", "json"], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 1 and done.stderr == "", done.stderr
        return json.loads(done.stdout)["findings"]

    expected = scan()
    entries = sorted(cache.iterdir())
    assert entries
    for number, entry in enumerate(entries):  # truncated, and a header whose checksum no longer holds
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] if number % 2 else data[:-64] + b"\0" * 64)
    assert scan() == expected
    assert all(entry.exists() for entry in entries)
    shutil.rmtree(cache)
    cache.write_text("a file where the cache folder should be")
    assert scan() == expected


def test_corrupt_datastore_is_one_line(tmp_path, cli):
    db = tmp_path / "org.sqlite"
    db.write_bytes(b"SQLite format 3\0" + b"\xff" * 4000)
    one_line_error(cli("org", "report", "--db", db), "datastore", str(db))
    db.write_text("not a database at all " * 100)
    one_line_error(cli("org", "report", "--db", db), "datastore", str(db))
    (tmp_path / "repos").mkdir()
    one_line_error(cli("org", "scan", tmp_path / "repos", "--db", db, "--no-progress"), "datastore")
