"""What an org scan reads from and writes to the datastore. Only the main process calls these:
workers return results, the main process is the single writer.

Object ids are stored as raw bytes (half the size of hex); everything written goes through
INSERT OR IGNORE on a natural key, so replaying a batch after a crash changes nothing.
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

from .db import transaction

CHUNK = 500  # SQLite host parameters per statement, well under every build's limit


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def ruleset_id(connection: sqlite3.Connection, digest: str, ruleset) -> int:
    row = connection.execute("SELECT id FROM rulesets WHERE digest = ?", (digest,)).fetchone()
    if row:
        return row[0]
    with transaction(connection):
        cursor = connection.execute("INSERT INTO rulesets (digest, created) VALUES (?, ?)", (digest, now()))
        new_id = cursor.lastrowid
        connection.executemany(
            "INSERT INTO rules (ruleset_id, rule_id, title, severity, remediation, tags) VALUES (?, ?, ?, ?, ?, ?)",
            [(new_id, r.id, r.title, r.severity, r.remediation, " ".join(r.tags)) for r in ruleset])
    return new_id


def start_scan(connection: sqlite3.Connection, ruleset: int) -> int:
    """A new scan row; scans still marked running died without saying so (we hold the lease)."""
    import socket

    with transaction(connection):
        connection.execute("UPDATE scans SET status = 'interrupted' WHERE status = 'running'")
        cursor = connection.execute(
            "INSERT INTO scans (started, status, ruleset_id, host, pid) VALUES (?, 'running', ?, ?, ?)",
            (now(), ruleset, socket.gethostname(), os.getpid()))
    return cursor.lastrowid


def finish_scan(connection: sqlite3.Connection, scan_id: int, status: str, totals: dict) -> None:
    with transaction(connection):
        connection.execute(
            "UPDATE scans SET finished = ?, status = ?, repos = ?, repos_failed = ?, blobs = ?, bytes = ?, "
            "seconds = ? WHERE id = ?",
            (now(), status, totals["repos"], totals["repos_failed"], totals["blobs"], totals["bytes"],
             round(totals["seconds"], 3), scan_id))


@dataclass
class RepoRecord:
    id: int
    state_key: str | None


def repo_record(connection: sqlite3.Connection, location: str, name: str, source: str) -> RepoRecord:
    with transaction(connection):
        connection.execute(
            "INSERT INTO repos (location, name, source) VALUES (?, ?, ?) "
            "ON CONFLICT (location) DO UPDATE SET name = excluded.name, source = excluded.source",
            (location, name, source))
        row = connection.execute("SELECT id, state_key FROM repos WHERE location = ?", (location,)).fetchone()
    return RepoRecord(row[0], row[1])


def known(connection: sqlite3.Connection, table_column: str, ruleset: int, hex_ids: list) -> set:
    """Which of these object ids the datastore has under this rule set (blobs scanned, commits walked)."""
    table, column = table_column.split(".")
    found = set()
    for part in chunks(hex_ids):
        marks = ",".join("?" * len(part))
        rows = connection.execute(f"SELECT {column} FROM {table} WHERE ruleset_id = ? AND {column} IN ({marks})",
                                  (ruleset, *(bytes.fromhex(h) for h in part)))
        found.update(row[0].hex() for row in rows)
    return found


def scanned_blobs(connection, ruleset: int, blobs: list) -> set:
    return known(connection, "blobs.oid", ruleset, blobs)


def walked_commits(connection, ruleset: int, commits: list) -> set:
    return known(connection, "walked.commit_oid", ruleset, commits)


def flagged_blobs(connection: sqlite3.Connection, ruleset: int) -> set:
    rows = connection.execute("SELECT DISTINCT oid FROM blob_findings WHERE ruleset_id = ?", (ruleset,))
    return {row[0].hex() for row in rows}


def record_batch(connection: sqlite3.Connection, ruleset: int, outcomes: list) -> None:
    """One scanned batch: the unit of progress a crash can lose."""
    with transaction(connection):
        connection.executemany("INSERT OR IGNORE INTO blobs (oid, ruleset_id, size, outcome) VALUES (?, ?, ?, ?)",
                               [(bytes.fromhex(o.blob), ruleset, o.size, o.outcome) for o in outcomes])
        connection.executemany(
            "INSERT OR IGNORE INTO blob_findings (oid, ruleset_id, rule_id, fingerprint, line, col, end_col, "
            "preview, entropy, confidence, decoded_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(bytes.fromhex(o.blob), ruleset, *found) for o in outcomes for found in o.findings])


def introductions_in(connection: sqlite3.Connection, ruleset: int, commits: list) -> list:
    """(commit, blob hex or '', raw path, author, date) recorded for any of these commits."""
    rows = []
    for part in chunks(commits):
        marks = ",".join("?" * len(part))
        rows += [(c.hex(), b.hex(), p, a, d) for c, b, p, a, d in connection.execute(
            f"SELECT commit_oid, blob, path, author, date FROM introductions "
            f"WHERE ruleset_id = ? AND commit_oid IN ({marks})", (ruleset, *(bytes.fromhex(c) for c in part)))]
    return rows


def findings_of_blobs(connection: sqlite3.Connection, ruleset: int, blobs: list) -> dict:
    """blob hex -> [(rule_id, fingerprint, line, col, end_col, preview, entropy, confidence, decoded_from)]"""
    found: dict = {}
    for part in chunks(blobs):
        marks = ",".join("?" * len(part))
        for oid, *fields in connection.execute(
                f"SELECT oid, rule_id, fingerprint, line, col, end_col, preview, entropy, confidence, decoded_from "
                f"FROM blob_findings WHERE ruleset_id = ? AND oid IN ({marks})",
                (ruleset, *(bytes.fromhex(b) for b in part))):
            found.setdefault(oid.hex(), []).append(tuple(fields))
    return found


@dataclass
class Occurrence:
    fingerprint: str
    rule_id: str
    preview: str
    blob: str
    path: str
    commit: str
    author: str
    date: str
    line: int
    col: int
    end_col: int
    confidence: str
    entropy: float
    decoded_from: str
    in_head: bool


def record_repo(connection: sqlite3.Connection, scan_id: int, repo_id: int, ruleset: int, state_key: str,
                head: str | None, walked: list, introductions: list, occurrences: list) -> None:
    """A repository done: the commits walked, what they brought in, and its occurrences, at once."""
    stamp = now()
    with transaction(connection):
        connection.executemany("INSERT OR IGNORE INTO walked (commit_oid, ruleset_id) VALUES (?, ?)",
                               [(bytes.fromhex(c), ruleset) for c in walked])
        connection.executemany(
            "INSERT OR IGNORE INTO introductions (commit_oid, ruleset_id, blob, path, author, date) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(bytes.fromhex(c), ruleset, bytes.fromhex(b), p, a, d) for c, b, p, a, d in introductions])
        connection.execute("DELETE FROM occurrences WHERE repo_id = ?", (repo_id,))
        connection.executemany(
            "INSERT INTO findings (fingerprint, rule_id, preview, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (fingerprint) DO UPDATE SET last_seen = excluded.last_seen",
            sorted({(o.fingerprint, o.rule_id, o.preview, stamp, stamp) for o in occurrences}))
        connection.executemany(
            "INSERT OR IGNORE INTO occurrences (repo_id, fingerprint, blob, path, commit_oid, author, date, line, "
            "col, end_col, confidence, entropy, decoded_from, in_head) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(repo_id, o.fingerprint, o.blob, o.path, o.commit, o.author, o.date, o.line, o.col, o.end_col,
              o.confidence, o.entropy, o.decoded_from, int(o.in_head)) for o in occurrences])
        connection.execute("UPDATE repos SET ruleset_id = ?, state_key = ?, head = ?, last_scanned = ?, "
                           "last_error = NULL WHERE id = ?", (ruleset, state_key, head, stamp, repo_id))
        connection.execute("INSERT OR REPLACE INTO scan_repos (scan_id, repo_id, outcome) VALUES (?, ?, 'scanned')",
                           (scan_id, repo_id))


def record_unchanged(connection: sqlite3.Connection, scan_id: int, repo_id: int) -> None:
    with transaction(connection):
        connection.execute("UPDATE repos SET last_error = NULL WHERE id = ?", (repo_id,))
        connection.execute("INSERT OR REPLACE INTO scan_repos (scan_id, repo_id, outcome) VALUES (?, ?, 'unchanged')",
                           (scan_id, repo_id))


def record_failure(connection: sqlite3.Connection, scan_id: int, repo_id: int, error: str) -> None:
    """A failed repository keeps its previous occurrences (they are still true as far as we know)."""
    with transaction(connection):
        connection.execute("UPDATE repos SET last_error = ? WHERE id = ?", (error, repo_id))
        connection.execute(
            "INSERT OR REPLACE INTO scan_repos (scan_id, repo_id, outcome, error) VALUES (?, ?, 'failed', ?)",
            (scan_id, repo_id, error))


def open_findings(connection: sqlite3.Connection, repo_ids: list) -> tuple[int, int]:
    """(secrets not triaged away, repositories holding them) among these repositories."""
    secrets, repos = set(), set()
    for part in chunks(repo_ids):
        marks = ",".join("?" * len(part))
        for fingerprint, repo in connection.execute(
                f"SELECT o.fingerprint, o.repo_id FROM occurrences o LEFT JOIN triage t USING (fingerprint) "
                f"WHERE o.repo_id IN ({marks}) AND coalesce(t.status, 'open') = 'open'", part):
            secrets.add(fingerprint)
            repos.add(repo)
    return len(secrets), len(repos)


def prune_rulesets(connection: sqlite3.Connection, current: int) -> None:
    """Once every repository is scanned with the current rule set, what older ones found is dead
    weight: the next rule change rescans anyway."""
    in_use = {row[0] for row in connection.execute("SELECT DISTINCT ruleset_id FROM repos")}
    if in_use - {current, None}:
        return
    with transaction(connection):
        for table in ("blob_findings", "blobs", "introductions", "walked", "rules"):
            connection.execute(f"DELETE FROM {table} WHERE ruleset_id != ?", (current,))
        connection.execute("DELETE FROM rulesets WHERE id != ?", (current,))
