"""Build the Hyperscan prefilter database, or load it from the on-disk cache.

Compiling a few hundred rules costs seconds; loading a serialized database costs tens of
milliseconds, so the hook path never compiles once the cache is primed
(`hushgate rules compile`). Entries are keyed by the rules' patterns, the Hyperscan version and
the code that builds them.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..cache import cache_dir, code_digest, read_entry, write_entry
from .prefilter import is_windowed
from .relax import relaxed

MAGIC = b"HUSHGATE-HS3\n"


def cache_key(rules: list, hyperscan_version: str) -> str:
    digest = hashlib.sha256(MAGIC + hyperscan_version.encode())
    here = Path(__file__).parent
    digest.update(code_digest(here / "hscache.py", here / "prefilter.py", here / "relax.py",
                              here.parent / "rules" / "width.py"))
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
    write_entry(path, MAGIC, hyperscan.dumpb(database), unsupported=unsupported)
    return database, unsupported


def compile_database(rules: list, hyperscan):
    """Rules of bounded width or single-line matches report every match end (the prefilter
    confirms windows around them); others report once (confirmation reads the whole chunk)."""
    patterns = [relaxed(rule.regex).encode("utf-8") for rule in rules]
    flags = [hyperscan.HS_FLAG_PREFILTER | (0 if is_windowed(rule) else hyperscan.HS_FLAG_SINGLEMATCH)
             for rule in rules]
    try:
        return compiled(hyperscan, patterns, flags, list(range(len(patterns)))), []
    except hyperscan.error:  # find the few patterns Hyperscan rejects; they run unfiltered
        unsupported = [i for i in range(len(patterns)) if not compiles(hyperscan, patterns[i], flags[i])]
        ids = [i for i in range(len(patterns)) if i not in unsupported]
        return compiled(hyperscan, patterns, flags, ids), unsupported


def compiled(hyperscan, patterns: list, flags: list, ids: list):
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=[patterns[i] for i in ids], ids=ids, flags=[flags[i] for i in ids])
    return database


def compiles(hyperscan, pattern: bytes, flags: int) -> bool:
    try:
        compiled(hyperscan, [pattern], [flags], [0])
    except hyperscan.error:
        return False
    return True


def read_cache(path, hyperscan):
    entry = read_entry(path, MAGIC)
    if entry is None:
        return None
    header, payload = entry
    try:
        database = hyperscan.loadb(payload, hyperscan.HS_MODE_BLOCK)
        database.scratch = hyperscan.Scratch(database)
        return database, [int(i) for i in header["unsupported"]]
    except (KeyError, TypeError, ValueError, hyperscan.error):
        return None
