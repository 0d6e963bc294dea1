"""Keyed fingerprints: stable identities for findings that reveal nothing about the secret.

The key comes from HUSHGATE_FINGERPRINT_KEY, else from a per-repository key file created on
first use and kept out of git via .git/info/exclude. Reports and baselines hold fingerprints,
never the key.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_ENV = "HUSHGATE_FINGERPRINT_KEY"
KEY_FILE = ".hushgate.key"


def value_fingerprint(key: bytes, rule_id: str, secret: str) -> str:
    """Same secret, same rule: same fingerprint, wherever and whenever it appears."""
    return hmac.new(key, f"{rule_id}\0{secret}".encode(), hashlib.sha256).hexdigest()[:40]


def location_fingerprint(key: bytes, rule_id: str, secret: str, path: str) -> str:
    return hmac.new(key, f"{rule_id}\0{path}\0{secret}".encode(), hashlib.sha256).hexdigest()[:40]


def key_id(key: bytes) -> str:
    """Names a key without revealing it, so a baseline made with another key is detected."""
    return hmac.new(key, b"hushgate-key-id", hashlib.sha256).hexdigest()[:12]


def find_repo_root(start: Path) -> Path | None:
    for folder in [start, *start.parents]:
        if (folder / ".git").exists():
            return folder
    return None


def resolve_key(start: Path | str = ".") -> bytes:
    configured = os.environ.get(KEY_ENV)
    if configured:
        return configured.encode("utf-8")
    start = Path(start).resolve()
    root = find_repo_root(start if start.is_dir() else start.parent)
    key_path = root / KEY_FILE if root else user_key_path()
    try:
        return key_path.read_bytes().strip()
    except FileNotFoundError:
        pass
    except OSError:
        return b"hushgate-unkeyed"
    key = secrets.token_hex(32).encode()
    try:
        key_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key + b"\n")
        if root:
            exclude_from_git(root)
    except FileExistsError:
        return key_path.read_bytes().strip()
    except OSError:
        pass  # read-only checkout: fingerprints stay keyed, just not persistent
    return key


def user_key_path() -> Path:
    """Outside a git repository the key is the user's, so scanned folders are never written to."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "hushgate" / "fingerprint.key"


def exclude_from_git(root: Path) -> None:
    exclude = root / ".git" / "info" / "exclude"
    if not (root / ".git").is_dir():
        return
    exclude.parent.mkdir(parents=True, exist_ok=True)
    existing = exclude.read_text() if exclude.exists() else ""
    if KEY_FILE not in existing.split():
        with exclude.open("a") as handle:
            handle.write(("" if existing.endswith("\n") or not existing else "\n") + f"/{KEY_FILE}\n")
