"""The org datastore: no raw secret, the key beside it, refusals that touch nothing, one writer."""
import resource
import sqlite3
import stat
import subprocess
import sys
import threading
import time

from fakes import AWS_SECRET, GITHUB_PAT, PEM_BODY
from orgrepos import small_org

from scanner.store.lease import ScanLease
from scanner.store.schema import APPLICATION_ID, LATEST


def scan(cli, db, *sources, env=None):
    return cli("org", "scan", *sources, "--db", db, "--jobs", "1", "--no-progress", env=env)


def test_the_datastore_never_holds_a_raw_secret_and_its_key_lives_beside_it(git_repo, cli, tmp_path):
    org = tmp_path / "org"
    repos = small_org(org)
    repos["clean"].commit("key", **{"id_rsa.pem": f"-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}"
                                                  "-----END RSA PRIVATE KEY-----\n"})
    db = tmp_path / "org.sqlite"
    done = scan(cli, db, org, env={"HUSHGATE_FINGERPRINT_KEY": ""})
    assert done.returncode == 1, done.stderr
    key_file = tmp_path / "org.sqlite.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_bytes().strip()
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("org.sqlite*") if p.is_file() and p != key_file)
    pem_line = PEM_BODY.splitlines()[0]
    for secret in (GITHUB_PAT, AWS_SECRET, pem_line, key.decode()):
        for piece in (secret, secret[len(secret) // 4:], secret[:len(secret) // 2]):
            assert piece.encode() not in stored, piece
    with sqlite3.connect(db) as connection:
        previews = [row[0] for row in connection.execute("SELECT preview FROM findings")]
    assert previews and all(p.endswith("*****") and len(p) <= 9 for p in previews)
    # Another key for the same datastore is refused, not silently mixed in.
    again = scan(cli, db, org, env={"HUSHGATE_FINGERPRINT_KEY": "some-other-key"})
    assert again.returncode == 2 and "another fingerprint key" in again.stderr and str(key_file) in again.stderr


def test_a_fresh_datastore_is_migrated_to_the_latest_schema_in_wal_mode(git_repo, cli, tmp_path):
    repos = small_org(tmp_path / "org")
    db = tmp_path / "org.sqlite"
    assert scan(cli, db, repos["clean"].path).returncode == 0
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == LATEST
        assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"repos", "scans", "blobs", "rules", "findings", "occurrences", "triage", "triage_history"} <= tables


def test_newer_corrupt_and_foreign_files_are_refused_and_left_untouched(git_repo, cli, tmp_path):
    repos = small_org(tmp_path / "org")
    newer = tmp_path / "newer.sqlite"
    assert scan(cli, newer, repos["clean"].path).returncode == 0
    with sqlite3.connect(newer) as connection:
        connection.execute(f"PRAGMA user_version = {LATEST + 1}")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is no database\n" * 200)
    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    truncated = tmp_path / "truncated.sqlite"
    truncated.write_bytes(newer.read_bytes()[:8192])
    expected = {newer: "written by a newer hushgate", garbage: "not a usable hushgate datastore",
                foreign: "not a hushgate datastore", truncated: "not a usable hushgate datastore"}
    for path, message in expected.items():
        before = path.read_bytes()
        for command in (("org", "scan", repos["clean"].path), ("org", "report"), ("org", "triage", "abcdef")):
            done = cli(*command, "--db", path)
            assert done.returncode == 2 and message in done.stderr, (path, command, done.stderr)
            assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
        assert path.read_bytes() == before
    done = cli("org", "report", "--db", tmp_path / "missing.sqlite")
    assert done.returncode == 2 and "no datastore at" in done.stderr
    assert not (tmp_path / "missing.sqlite").exists()


def test_a_datastore_with_damaged_pages_is_reported_corrupt(git_repo, cli, tmp_path):
    repos = small_org(tmp_path / "org")
    db = tmp_path / "org.sqlite"
    scan(cli, db, tmp_path / "org")
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(db.read_bytes())
    for offset in range(2 * page_size, len(data), page_size):  # every page but the first one
        data[offset:offset + 64] = b"\xee" * 64
    db.write_bytes(bytes(data))
    done = cli("org", "report", "--db", db)
    assert done.returncode == 2 and "corrupt" in done.stderr, done.stderr
    assert repos  # the repositories themselves are untouched


def test_a_second_scan_on_the_same_datastore_refuses_or_waits(git_repo, cli, tmp_path):
    repos = small_org(tmp_path / "org")
    db = tmp_path / "org.sqlite"
    lease = ScanLease(db).__enter__()
    try:
        done = scan(cli, db, repos["clean"].path)
        assert done.returncode == 2
        assert "another `hushgate org scan` is using this datastore (pid" in done.stderr
        assert "--wait-for-lock" in done.stderr
        threading.Timer(1.0, lease.__exit__, (None, None, None)).start()
        started = time.monotonic()
        done = cli("org", "scan", repos["clean"].path, "--db", db, "--jobs", "1", "--wait-for-lock", "30")
        assert done.returncode == 0, done.stderr
        assert time.monotonic() - started >= 0.9
    finally:
        lease.__exit__(None, None, None)


def test_a_full_disk_stops_the_scan_with_a_clear_error(git_repo, cli, tmp_path):
    repos = small_org(tmp_path / "org")
    db = tmp_path / "org.sqlite"
    assert scan(cli, db, repos["clean"].path).returncode == 0
    limit = 64 << 10  # the write-ahead log fills up after a few transactions

    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    repos["clean"].commit("big", **{f"file{n}.txt": f"line {n} " * 400 for n in range(60)})
    done = subprocess.run([sys.executable, "-m", "scanner", "org", "scan", tmp_path / "org", "--db", db, "--jobs", "1",
                           "--no-progress"], capture_output=True, text=True, preexec_fn=small_files, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "cannot write datastore" in done.stderr and "free some space" in done.stderr
    assert "Traceback" not in done.stderr
    assert scan(cli, db, tmp_path / "org").returncode == 1  # with room again, the scan completes
