"""Opening the org datastore: refuse what is not ours or is newer, migrate what is older.

Nothing is written before the checks pass: a corrupt file, another application's SQLite
database or a datastore from a newer hushgate is left exactly as it was. SQLite runs in WAL
mode (reports and triage read while a scan writes), with foreign keys on and a busy timeout.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path

from ..errors import HushgateError
from .schema import APPLICATION_ID, LATEST, MIGRATIONS

BUSY_TIMEOUT_MS = 30_000


def open_datastore(path: str | Path, create: bool = False) -> sqlite3.Connection:
    path = Path(path)
    if not path.exists():
        if not create:
            raise HushgateError(f"no datastore at {path} (`hushgate org scan --db {path}` creates one)")
        if not path.parent.is_dir():
            raise HushgateError(f"cannot create datastore {path}: no such directory {path.parent}")
    elif not path.is_file():
        raise HushgateError(f"datastore {path} is not a file")
    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise HushgateError(f"cannot open datastore {path}: {exc}") from None
    try:
        version = check_identity(connection, path)
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: an app crash loses nothing committed
        connection.execute("PRAGMA foreign_keys = ON")
        migrate(connection, version)
    except sqlite3.Error as exc:
        connection.close()
        raise datastore_error(path, exc) from None
    except BaseException:
        connection.close()
        raise
    return connection


def check_identity(connection: sqlite3.Connection, path: Path) -> int:
    """The schema version of a hushgate datastore (0 for a new, empty file); else a clear error."""
    try:
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise HushgateError(f"{path} is not a usable hushgate datastore (corrupt, or not SQLite): {exc}; "
                            "it was left untouched") from None
    if tables and application_id != APPLICATION_ID:
        raise HushgateError(f"{path} is an SQLite database but not a hushgate datastore; it was left untouched")
    if version > LATEST:
        raise HushgateError(f"{path} was written by a newer hushgate (datastore schema {version}, this version "
                            f"knows up to {LATEST}): upgrade hushgate; the datastore was left untouched")
    return version


def migrate(connection: sqlite3.Connection, version: int) -> None:
    for number in range(version + 1, LATEST + 1):
        # One transaction per step: an interrupted upgrade leaves the previous version intact.
        connection.executescript(f"BEGIN IMMEDIATE;\n{MIGRATIONS[number - 1]}\n"
                                 f"PRAGMA user_version = {number};\nCOMMIT;")


@contextmanager
def transaction(connection: sqlite3.Connection):
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error: the unit of resumable progress."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def datastore_error(path, exc: sqlite3.Error) -> HushgateError:
    """A one-line, actionable message for what SQLite reports."""
    message = str(exc)
    lowered = message.lower()
    if "full" in lowered or "disk i/o" in lowered:
        return HushgateError(f"cannot write datastore {path}: {message} (disk full?); everything committed so "
                             "far is kept: free some space and run the scan again to resume")
    if "locked" in lowered or "busy" in lowered:
        return HushgateError(f"datastore {path} stayed locked by another process for "
                             f"{BUSY_TIMEOUT_MS // 1000}s: {message}")
    if "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        return HushgateError(f"datastore {path} is corrupt: {message}; restore it from a backup "
                             "(or move it away to start over)")
    return HushgateError(f"datastore {path}: {message}")
