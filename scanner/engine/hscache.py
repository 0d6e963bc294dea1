"""Build the Hyperscan prefilter database, or load it from the on-disk cache.

Compiling a few hundred rules costs seconds; loading a serialized database costs tens of
milliseconds, so the hook path never compiles once the cache is primed
(`hushgate rules compile`). Writes are atomic and a corrupt entry is rebuilt.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

MAGIC = b"HUSHGATE-HS1\n"


def cache_dir() -> Path:
    configured = os.environ.get("HUSHGATE_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "hushgate"


def cache_key(rules: list, hyperscan_version: str) -> str:
    digest = hashlib.sha256(hyperscan_version.encode())
    for rule in rules:
        digest.update(b"\0" + rule.regex.encode("utf-8"))
    return digest.hexdigest()[:32]


def load_or_build(rules: list):
    """Return (database, indexes of rules Hyperscan cannot prefilter)."""
    import hyperscan

    version = getattr(hyperscan, "__version__", "unknown")
    path = cache_dir() / f"hs-{cache_key(rules, version)}.db"
    cached = read_cache(path, hyperscan)
    if cached is not None:
        return cached
    database, unsupported = compile_database(rules, hyperscan)
    write_cache(path, hyperscan.dumpb(database), unsupported)
    return database, unsupported


def compile_database(rules: list, hyperscan):
    flags = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_SINGLEMATCH
    patterns = [rule.regex.encode("utf-8") for rule in rules]
    unsupported = []
    if not compiles_all(hyperscan, patterns, flags):
        unsupported = [i for i, pattern in enumerate(patterns) if not compiles_all(hyperscan, [pattern], flags)]
    ids = [i for i in range(len(patterns)) if i not in unsupported]
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=[patterns[i] for i in ids], ids=ids, flags=[flags] * len(ids))
    return database, unsupported


def compiles_all(hyperscan, patterns, flags) -> bool:
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        database.compile(expressions=patterns, ids=list(range(len(patterns))), flags=[flags] * len(patterns))
    except hyperscan.error:
        return False
    return True


def read_cache(path: Path, hyperscan):
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    try:
        header_end = blob.index(b"\n", len(MAGIC))
        header = json.loads(blob[len(MAGIC):header_end])
        payload = blob[header_end + 1:]
        if not blob.startswith(MAGIC) or hashlib.sha256(payload).hexdigest() != header["sha256"]:
            return None
        database = hyperscan.loadb(payload, hyperscan.HS_MODE_BLOCK)
        database.scratch = hyperscan.Scratch(database)
        return database, list(header["unsupported"])
    except (ValueError, KeyError, TypeError, hyperscan.error):
        return None


def write_cache(path: Path, payload: bytes, unsupported: list[int]) -> None:
    header = json.dumps({"sha256": hashlib.sha256(payload).hexdigest(), "unsupported": unsupported})
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".hs-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC + header.encode() + b"\n" + payload)
        os.replace(tmp, path)
    except OSError:  # an unwritable cache only costs speed
        if tmp:
            Path(tmp).unlink(missing_ok=True)
