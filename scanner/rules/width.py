"""Upper bound on how many bytes a pattern can match, so confirmation can start near a hit."""
from __future__ import annotations

try:
    from re import _parser as sre_parse  # Python >= 3.11
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore

UNBOUNDED = 1 << 16


def max_match_width(pattern: str) -> int | None:
    """Max match length in bytes (UTF-8 worst case), or None when unbounded or unknown."""
    try:
        _, high = sre_parse.parse(pattern).getwidth()
    except Exception:  # the `regex` dialect has syntax `re` does not know
        return None
    if high >= UNBOUNDED:
        return None
    return high * 4
