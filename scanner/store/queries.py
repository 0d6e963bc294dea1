"""Reads for reports: occurrences with their secret, rule, repository and triage status."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class OccurrenceRow:
    repo: str
    fingerprint: str
    rule_id: str
    preview: str
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
    status: str
    note: str
    title: str
    severity: str
    remediation: str
    tags: str


def occurrences(connection: sqlite3.Connection, statuses: tuple = (), repos: tuple = ()) -> list[OccurrenceRow]:
    where, params = [], []
    if statuses:
        where.append(f"coalesce(t.status, 'open') IN ({','.join('?' * len(statuses))})")
        params += statuses
    if repos:
        where.append(f"r.name IN ({','.join('?' * len(repos))})")
        params += repos
    rows = connection.execute(
        "SELECT r.name, o.fingerprint, f.rule_id, f.preview, o.path, o.commit_oid, o.author, o.date, o.line, o.col, "
        "o.end_col, o.confidence, o.entropy, o.decoded_from, o.in_head, coalesce(t.status, 'open'), "
        "coalesce(t.note, ''), coalesce(ru.title, f.rule_id), coalesce(ru.severity, 'medium'), "
        "coalesce(ru.remediation, ''), coalesce(ru.tags, '') "
        "FROM occurrences o JOIN repos r ON r.id = o.repo_id JOIN findings f ON f.fingerprint = o.fingerprint "
        "LEFT JOIN triage t ON t.fingerprint = o.fingerprint "
        "LEFT JOIN rules ru ON ru.ruleset_id = r.ruleset_id AND ru.rule_id = f.rule_id"
        + (" WHERE " + " AND ".join(where) if where else ""), params)
    return [OccurrenceRow(*row[:14], bool(row[14]), *row[15:]) for row in rows]


def repositories(connection: sqlite3.Connection) -> list[tuple[str, str | None, str | None]]:
    """(name, last error or None, last scanned or None) of every repository ever scanned."""
    return list(connection.execute("SELECT name, last_error, last_scanned FROM repos ORDER BY name"))


def last_scan(connection: sqlite3.Connection) -> dict:
    row = connection.execute("SELECT started, finished, status, seconds FROM scans ORDER BY id DESC LIMIT 1").fetchone()
    return dict(zip(("started", "finished", "status", "seconds"), row)) if row else {}


def blob_totals(connection: sqlite3.Connection) -> tuple[int, int]:
    """Blobs scanned and their bytes, under the rule sets repositories were last scanned with."""
    row = connection.execute("SELECT count(*), coalesce(sum(size), 0) FROM blobs WHERE ruleset_id IN "
                             "(SELECT DISTINCT ruleset_id FROM repos)").fetchone()
    return row[0], row[1]
