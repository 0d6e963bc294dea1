"""The on-disk caches (Hyperscan database, parsed rule sets): atomic, self-healing, optional.

Most tests use a small pack (the mechanics do not depend on the number of rules, and compiling
the default rules costs seconds); the concurrency test builds the real default database.
"""
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from fakes import AWS_KEY_ID, GITHUB_PAT, secrets_file_text
from scanner.cache import read_entry, write_entry
from scanner.engine.hscache import MAGIC as HS_MAGIC
from scanner.pipeline import Scanner
from scanner.rules import load_rules
from scanner.rules.ruleset_cache import MAGIC as RULES_MAGIC

pytest.importorskip("hyperscan")

PACK = '''
[[rules]]
id = "test-aws-key"
title = "AWS key (test pack)"
regex = '\\b((?:AKIA|ASIA)[A-Z2-7]{16})\\b'
keywords = ["akia", "asia"]

[[rules]]
id = "test-github-token"
title = "GitHub token (test pack)"
regex = '\\b(ghp_[A-Za-z0-9]{36})\\b'
keywords = ["ghp_"]
'''


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("HUSHGATE_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def pack(tmp_path):
    path = tmp_path / "pack.toml"
    path.write_text(PACK)
    return path


@pytest.fixture
def leaky(tmp_path):
    folder = tmp_path / "leaky"
    folder.mkdir()
    (folder / "settings.env").write_text(secrets_file_text())
    return folder


def findings_of(text: str, pack) -> list:
    scanner = Scanner(load_rules([pack], use_defaults=False), engine="hyperscan", fingerprint_key=b"k")
    return [(f.rule_id, f.line, f.column, f.secret) for f in scanner.scan_bytes(text.encode(), "app.env")]


def entries(folder, pattern: str) -> list:
    return sorted(folder.glob(pattern))


def sound(path, magic: bytes) -> bool:
    return read_entry(path, magic) is not None


def damaged(blob: bytes, damage: str) -> bytes:
    return {"truncate": blob[: len(blob) // 2],
            "flip": blob[:-100] + bytes(b ^ 0xFF for b in blob[-100:]),
            "garbage": os.urandom(len(blob)),
            "empty": b""}[damage]


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_damaged_entry_reads_as_missing(cache, damage):
    target = cache / "entry.bin"
    write_entry(target, b"MAGIC\n", os.urandom(5000), note="x")
    assert read_entry(target, b"MAGIC\n") is not None
    target.write_bytes(damaged(target.read_bytes(), damage))
    assert read_entry(target, b"MAGIC\n") is None


def test_damaged_caches_are_rebuilt_with_the_same_findings(cache, pack):
    expected = findings_of(secrets_file_text(), pack)
    assert {secret for *_, secret in expected} == {AWS_KEY_ID, GITHUB_PAT}
    written = entries(cache, "hs-*.db") + entries(cache, "rules-*.json")
    assert len(written) == 2
    for path in written:
        path.write_bytes(damaged(path.read_bytes(), "flip"))
    assert findings_of(secrets_file_text(), pack) == expected
    assert sound(entries(cache, "hs-*.db")[0], HS_MAGIC)
    assert sound(entries(cache, "rules-*.json")[0], RULES_MAGIC)


def test_cached_rule_set_equals_the_parsed_one(cache):
    parsed = load_rules()
    cached = load_rules()
    assert entries(cache, "rules-*.json")
    assert cached.rules == parsed.rules
    assert (cached.warnings, cached.digest) == (parsed.warnings, parsed.digest)
    for measure in ("max_width", "lookahead_reach", "single_line"):
        cached_values = [getattr(r, measure) for r in cached if r.regex]
        assert cached_values == [getattr(r, measure) for r in parsed if r.regex]


def test_an_edited_pack_is_reparsed_not_served_stale(cache, tmp_path):
    pack = tmp_path / "acme.toml"
    rule = ('[[rules]]\nid = "acme-token"\ntitle = "Acme token"\nregex = \'{}\'\nkeywords = ["acme_"]\n'
            'mystery = 1\n')
    pack.write_text(rule.format("acme_([a-z0-9]{20})"))
    first = load_rules([pack], use_defaults=False)
    pack.write_text(rule.format("acme_([a-z0-9]{24})"))
    second = load_rules([pack], use_defaults=False)
    assert first.rules[0].regex != second.rules[0].regex == "acme_([a-z0-9]{24})"
    # Warnings come back from the cache too, so a user still sees them on every run.
    assert any("mystery" in w for w in load_rules([pack], use_defaults=False).warnings)


def test_a_broken_pack_is_never_cached(cache, tmp_path):
    from scanner.errors import HushgateError

    pack = tmp_path / "bad.toml"
    pack.write_text('[[rules]]\nid = "bad"\ntitle = "Bad"\nregex = \'(unclosed\'\n')
    for _ in range(2):
        with pytest.raises(HushgateError, match="does not compile"):
            load_rules([pack], use_defaults=False)


def test_write_is_atomic_and_leaves_no_temporary_files(cache):
    target = cache / "entry.bin"
    write_entry(target, b"MAGIC\n", b"payload", note="x")
    write_entry(target, b"MAGIC\n", b"payload two", note="y")
    header, payload = read_entry(target, b"MAGIC\n")
    assert (header["note"], payload) == ("y", b"payload two")
    assert [p.name for p in cache.iterdir()] == ["entry.bin"]
    assert read_entry(target, b"OTHER\n") is None


def hushgate(*args, cache_dir, wait=True):
    env = {**os.environ, "HUSHGATE_CACHE_DIR": str(cache_dir)}
    process = subprocess.Popen([sys.executable, "-m", "scanner", *map(str, args)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    if not wait:
        return process
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def test_concurrent_builds_both_succeed(leaky, tmp_path):
    """Two hooks start at once on an empty cache: both compile the default rules, both write,
    neither reads the other's half-written file."""
    cache_dir = tmp_path / "shared-cache"
    processes = [hushgate("scan", leaky, "-f", "json", cache_dir=cache_dir, wait=False) for _ in range(2)]
    reports = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 1, err
        reports.append([(f["rule_id"], f["line"], f["fingerprint"]) for f in json.loads(out)["findings"]])
    assert reports[0] == reports[1]
    assert {"aws-access-key-id", "github-pat-classic"} <= {rule for rule, *_ in reports[0]}
    names = sorted(p.name for p in cache_dir.iterdir())
    assert len(names) == 2 and names[0].startswith("hs-") and names[1].startswith("rules-"), names
    assert sound(cache_dir / names[0], HS_MAGIC) and sound(cache_dir / names[1], RULES_MAGIC)


def test_unwritable_cache_dir_still_scans(leaky, pack, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    code, out, err = hushgate("scan", leaky, "-f", "json", "--no-default-rules", "--rules", pack,
                              cache_dir=blocker / "cache")
    assert code == 1 and err == ""
    assert {f["rule_id"] for f in json.loads(out)["findings"]} == {"test-aws-key", "test-github-token"}


def test_rules_compile_primes_the_cache_so_scans_never_compile(leaky, pack, tmp_path):
    cache_dir = tmp_path / "primed"
    rules = ("--no-default-rules", "--rules", pack)
    code, _, err = hushgate("rules", "compile", *rules, cache_dir=cache_dir)
    assert code == 0, err
    (database,) = entries(cache_dir, "hs-*.db")
    before = database.stat()
    code, _, err = hushgate("scan", leaky, *rules, cache_dir=cache_dir)
    assert code == 1, err
    after = database.stat()
    # A rebuild would have replaced the file (a new inode); a primed scan only reads it.
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_old_entries_are_pruned(cache):
    for number in range(12):
        write_entry(cache / f"hs-{number:02}.db", b"MAGIC\n", b"payload")
        os.utime(cache / f"hs-{number:02}.db", ns=(number * 10**9, number * 10**9))
    write_entry(cache / "rules-a.json", b"MAGIC\n", b"payload")
    kept = sorted(p.name for p in cache.glob("hs-*"))
    assert kept == [f"hs-{number:02}.db" for number in range(4, 12)]
    assert (cache / "rules-a.json").exists()
