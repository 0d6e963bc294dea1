"""Build the Hyperscan prefilter database, or load it from the on-disk cache.

Compiling a few hundred rules costs seconds; loading a serialized database costs milliseconds,
so the hook path never compiles once the cache is primed (`hushgate rules compile`, or the
database an installed wheel ships for the default rules). Entries are keyed by the rules' patterns, the Hyperscan version and
the code that builds them.
"""
from __future__ import annotations

from pathlib import Path

from ..cache import cache_dir, code_digest, read_entry, write_entry
from ..digest import sha256
from .prefilter import is_windowed
from .relax import relaxed

MAGIC = b"HUSHGATE-HS3\n"
# The default rules' database a wheel ships (hatch_build.py), used when the cache lacks it. A
# database built for another CPU fails to load there, and is compiled as if it were not there.
PRIMED = Path(__file__).resolve().parent.parent / "_primed"


def cache_key(rules: list, hyperscan_version: str) -> str:
    digest = sha256(MAGIC + hyperscan_version.encode())
    here = Path(__file__).parent
    digest.update(code_digest(here / "hscache.py", here / "prefilter.py", here / "relax.py",
                              here.parent / "rules" / "width.py"))
    for rule in rules:
        digest.update(b"\0" + rule.regex.encode("utf-8"))
    return digest.hexdigest()[:32]


def load_or_build(rules: list):
    """Return (database, indexes of the rules it leaves out: the prefilter reports those for
    every chunk)."""
    import hyperscan

    version = getattr(hyperscan, "__version__", "unknown")
    path = cache_dir() / f"hs-{cache_key(rules, version)}.db"
    cached = read_cache(path, hyperscan) or read_cache(PRIMED / path.name, hyperscan)
    if cached is not None:
        return cached
    database, left_out = compile_database(rules, hyperscan)
    write_entry(path, MAGIC, hyperscan.dumpb(database), unsupported=left_out)
    return database, left_out


def compile_database(rules: list, hyperscan):
    """Rules of bounded width or single-line matches report every match end (the prefilter
    confirms windows around them); others report once (confirmation reads the whole chunk).

    Left out: the few patterns Hyperscan rejects, and rules confined to some files by their
    `path` (.pgpass, .env, wp-config.php...). Those are confirmed over the whole of the few
    files they apply to, and every other file is scanned without them: the line-anchored
    patterns such files call for cost Hyperscan far more than provider rules (a third of the
    scan of a source tree, for a dozen rules that never apply to it)."""
    patterns = [relaxed(rule.regex).encode("utf-8") if not rule.path else b"" for rule in rules]
    flags = [hyperscan.HS_FLAG_PREFILTER | (0 if is_windowed(rule) else hyperscan.HS_FLAG_SINGLEMATCH)
             for rule in rules]
    confined = [i for i, rule in enumerate(rules) if rule.path]
    ids = [i for i in range(len(rules)) if i not in confined]
    try:
        return compiled(hyperscan, patterns, flags, ids), confined
    except hyperscan.error:  # find the few patterns Hyperscan rejects
        unsupported = [i for i in ids if not compiles(hyperscan, patterns[i], flags[i])]
        return (compiled(hyperscan, patterns, flags, [i for i in ids if i not in unsupported]),
                sorted(confined + unsupported))


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
