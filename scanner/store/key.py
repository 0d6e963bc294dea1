"""The fingerprint key of an org datastore: beside it, never in it.

A key stored inside the database would let anyone holding a copy of it brute-force short
secrets from their fingerprints, so the key lives in `FILE.key` (mode 0600, created on the first
scan) or comes from HUSHGATE_FINGERPRINT_KEY. The datastore keeps only the key's id, so a scan
with another key is refused instead of silently making every known secret look new.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..errors import HushgateError
from ..fingerprints import KEY_ENV, create_key, key_id, read_key


def key_path(datastore: Path) -> Path:
    return Path(f"{datastore}.key")


def datastore_key(datastore: Path) -> bytes:
    configured = os.environ.get(KEY_ENV)
    if configured:
        return configured.encode("utf-8")
    path = key_path(datastore)
    key = read_key(path)
    if key is not None:
        return key
    try:
        return create_key(path, None)
    except OSError as exc:
        raise HushgateError(f"cannot create fingerprint key {path}: {exc.strerror or exc} "
                            f"(or set {KEY_ENV})") from None


def check_key(connection: sqlite3.Connection, key: bytes, datastore: Path) -> None:
    """Remember the key's id on first use; refuse a different key afterwards."""
    row = connection.execute("SELECT value FROM meta WHERE key = 'key_id'").fetchone()
    if row is None:
        connection.execute("INSERT INTO meta (key, value) VALUES ('key_id', ?)", (key_id(key),))
    elif row[0] != key_id(key):
        raise HushgateError(
            f"datastore {datastore} was built with another fingerprint key (key id {row[0]}, this one is "
            f"{key_id(key)}): use its key file {key_path(datastore)} or the {KEY_ENV} it was built with")
