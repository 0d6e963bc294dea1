"""Keyed fingerprints: stable identities for findings that reveal nothing about the secret.

An unkeyed hash of a short password is brute-forced in seconds, so every fingerprint is an
HMAC under a key that never appears in a report or baseline. The key comes from
HUSHGATE_FINGERPRINT_KEY, else from a per-repository `.hushgate.key` created on first use and
kept out of git via .git/info/exclude, else (outside any repository) from a per-user key file.
A team that commits a baseline shares the key: see docs/baseline.md.
"""
from __future__ import annotations

import os
from pathlib import Path

from .digest import hmac_sha256
from .errors import HushgateError

KEY_ENV = "HUSHGATE_FINGERPRINT_KEY"
KEY_FILE = ".hushgate.key"


def value_fingerprint(key: bytes, rule_id: str, secret: str) -> str:
    """Same secret, same rule: same fingerprint, wherever and whenever it appears."""
    return hmac_sha256(key, identity(rule_id, secret))[:40]


def location_fingerprint(key: bytes, rule_id: str, secret: str, path: str) -> str:
    """One occurrence: the secret in one file (not one line, so edits around it do not matter)."""
    return hmac_sha256(key, identity(rule_id, path, secret))[:40]


def identity(*parts: str) -> bytes:
    """The hashed bytes. surrogatepass: a file name with undecodable bytes (a file-name rule's
    secret, any finding's path) holds lone surrogates, which plain UTF-8 refuses."""
    return "\0".join(parts).encode("utf-8", "surrogatepass")


def key_id(key: bytes) -> str:
    """Names a key without revealing it, so a baseline made with another key is detected."""
    return hmac_sha256(key, b"hushgate-key-id")[:12]


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
    key = read_key(key_path)
    if key is not None:
        return key
    try:
        return create_key(key_path, root)
    except OSError:
        # Read-only checkout: fingerprints stay keyed, just not persistent (a baseline check
        # then reports a key mismatch instead of passing or failing silently).
        return new_key()


def new_key() -> bytes:
    """256 bits from the OS's random source (as `secrets.token_hex` draws them), in hex."""
    return os.urandom(32).hex().encode()


def read_key(key_path: Path) -> bytes | None:
    """The stored key, None if there is none yet; an unusable key file is fatal, since falling
    back to another key would silently turn every baselined finding into a new one."""
    try:
        key = key_path.read_bytes().strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise HushgateError(f"cannot read fingerprint key {key_path}: {exc.strerror or exc} "
                            f"(fix it, or set {KEY_ENV})") from None
    if not key:
        raise HushgateError(f"fingerprint key {key_path} is empty (delete it to make a new one, "
                            f"or set {KEY_ENV})")
    return key


def create_key(key_path: Path, root: Path | None) -> bytes:
    """A new random key, written whole before it becomes visible: a concurrent scan either sees
    no key file (and loses the race below) or a complete one."""
    import tempfile  # the first run in a repository only

    key = new_key()
    key_path.parent.mkdir(parents=True, exist_ok=True)
    if root:
        exclude_from_git(root)
    fd, tmp = tempfile.mkstemp(dir=key_path.parent, prefix=f".{key_path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(key + b"\n")
        os.chmod(tmp, 0o600)
        os.link(tmp, key_path)
    except FileExistsError:
        return read_key(key_path) or key
    finally:
        os.unlink(tmp)
    return key


def user_key_path() -> Path:
    """Outside a git repository the key is the user's, so scanned folders are never written to."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "hushgate" / "fingerprint.key"


def git_common_dir(root: Path) -> Path | None:
    """The directory holding info/exclude: `.git` itself, or for a linked worktree or submodule
    (where `.git` is a file pointing elsewhere) the directory it points to."""
    dot_git = root / ".git"
    if dot_git.is_dir():
        return dot_git
    try:
        pointer = dot_git.read_text("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not pointer.startswith("gitdir:"):
        return None
    git_dir = (root / pointer.removeprefix("gitdir:").strip()).resolve()
    common = git_dir / "commondir"
    if common.is_file():
        return (git_dir / common.read_text("utf-8").strip()).resolve()
    return git_dir


def exclude_from_git(root: Path) -> None:
    git_dir = git_common_dir(root)
    if git_dir is None:
        return
    exclude = git_dir / "info" / "exclude"
    exclude.parent.mkdir(parents=True, exist_ok=True)
    existing = exclude.read_text() if exclude.exists() else ""
    entry = f"/{KEY_FILE}"
    if entry not in existing.split():
        with exclude.open("a") as handle:
            handle.write(("" if existing.endswith("\n") or not existing else "\n") + entry + "\n")
