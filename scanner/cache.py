"""The on-disk cache: checksummed entries, written atomically, that only ever cost speed.

Concurrent hooks may build the same entry at once: each writes a private temporary file and
renames it into place, so a reader sees a whole entry or none. An entry that fails its
checksum (truncated, corrupted, another format) reads as missing and is rebuilt. The checksum
(CRC-32, fast enough for the hook path) guards against damage, not against someone able to
write the cache folder, who could as well write the installed package.
"""
from __future__ import annotations

import json
import mmap
import os
import zlib
from pathlib import Path

from .digest import sha256

KEEP = 8  # entries of each kind: several projects with their own packs can share the cache


def cache_dir() -> Path:
    configured = os.environ.get("HUSHGATE_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "hushgate"


def read_entry(path: Path, magic: bytes) -> tuple[dict, bytes] | None:
    """(header, payload) of a sound entry, else None. Mapped rather than read: one copy of a
    megabytes-large payload instead of a growing buffer's several (about 2 ms a hook run)."""
    try:
        with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            if mapped[:len(magic)] != magic:
                return None
            end_of_header = mapped.find(b"\n", len(magic))
            if end_of_header < 0:
                return None
            header = json.loads(mapped[len(magic):end_of_header])
            payload = mapped[end_of_header + 1:]
        if zlib.crc32(payload) != header["crc32"]:
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return header, payload


def write_entry(path: Path, magic: bytes, payload: bytes, **header) -> None:
    header["crc32"] = zlib.crc32(payload)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp")
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644), "wb") as handle:
            handle.write(magic + json.dumps(header).encode() + b"\n" + payload)
        os.replace(tmp, path)
    except OSError:  # an unwritable cache only costs speed
        if tmp:
            try:
                tmp.unlink()
            except OSError:
                pass
        return
    prune(path)


def prune(latest: Path) -> None:
    """Keep the KEEP newest entries of `latest`'s kind (`hs-`, `rules-`): every edit of a pack and
    every upgrade writes a new one, and old ones would pile up megabytes at a time."""
    kind = latest.name.split("-", 1)[0] + "-"
    try:
        entries = sorted((entry for entry in latest.parent.iterdir() if entry.name.startswith(kind)),
                         key=lambda entry: entry.stat().st_mtime_ns, reverse=True)
        for stale in entries[KEEP:]:
            stale.unlink()
    except OSError:  # another process pruned first, or the folder is not ours to tidy
        pass


def code_digest(*files: Path) -> bytes:
    """The source of the code that builds an entry: an edited checkout never reads entries an
    older version of that code wrote."""
    digest = sha256()
    for path in files:
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(str(path).encode())
    return digest.digest()
