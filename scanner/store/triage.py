"""Triage in the org datastore: a status per secret (value fingerprint), with a history.

The status belongs to the secret, not to one place it appears: revoking a key settles it in
every repository that holds it, rescans never reset it, and a new copy of a secret someone
marked a false positive is not raised again.
"""
from __future__ import annotations

import getpass
import sqlite3

from ..errors import HushgateError
from .db import transaction
from .scans import now
from .schema import STATUSES

MIN_PREFIX = 6


def resolve_fingerprint(connection: sqlite3.Connection, text: str) -> str:
    """The full fingerprint a user typed in full or as a unique prefix."""
    text = text.strip().lower()
    if len(text) < MIN_PREFIX or any(c not in "0123456789abcdef" for c in text):
        raise HushgateError(f"{text!r} is not a fingerprint (give at least {MIN_PREFIX} hex digits from the report)")
    matches = [row[0] for row in connection.execute(
        "SELECT fingerprint FROM findings WHERE fingerprint >= ? AND fingerprint < ? LIMIT 2",
        (text, text + "g"))]
    if not matches:
        raise HushgateError(f"no finding with fingerprint {text} in this datastore")
    if len(matches) > 1:
        raise HushgateError(f"fingerprint prefix {text} is ambiguous: give more digits")
    return matches[0]


def current(connection: sqlite3.Connection, fingerprint: str) -> tuple[str, str, str | None]:
    """(status, note, when it was set) of a secret: open until someone triages it."""
    row = connection.execute("SELECT status, note, updated FROM triage WHERE fingerprint = ?", (fingerprint,)).fetchone()
    return tuple(row) if row else ("open", "", None)


def set_status(connection: sqlite3.Connection, fingerprint: str, status: str, note: str) -> str:
    """Record a status change; returns the previous status."""
    if status not in STATUSES:
        raise HushgateError(f"status must be one of {', '.join(STATUSES)}")
    who = user_name()
    with transaction(connection):
        previous = current(connection, fingerprint)[0]
        stamp = now()
        connection.execute(
            "INSERT INTO triage (fingerprint, status, note, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (fingerprint) DO UPDATE SET status = excluded.status, note = excluded.note, "
            "updated = excluded.updated", (fingerprint, status, note, stamp))
        connection.execute(
            "INSERT INTO triage_history (fingerprint, status, previous, note, changed, changed_by) "
            "VALUES (?, ?, ?, ?, ?, ?)", (fingerprint, status, previous, note, stamp, who))
    return previous


def history(connection: sqlite3.Connection, fingerprint: str) -> list[tuple]:
    """(when, who, previous status, new status, note), oldest first."""
    return list(connection.execute(
        "SELECT changed, changed_by, previous, status, note FROM triage_history WHERE fingerprint = ? ORDER BY id",
        (fingerprint,)))


def user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
