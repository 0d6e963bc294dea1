"""How far a pattern's matches reach, so confirmation can look only near prefilter hits.

Rules are compiled over bytes, so patterns are measured as bytes too: a character class or
`.` matches one byte, a literal non-ASCII character its UTF-8 length.
"""
from __future__ import annotations

try:
    from re import _constants as sre_constants
    from re import _parser as sre_parse  # Python >= 3.11
except ImportError:  # pragma: no cover
    import sre_constants  # type: ignore
    import sre_parse  # type: ignore

UNBOUNDED = 1 << 16


def parsed(pattern: str):
    """The pattern's parse tree, or None when it uses syntax only the `regex` dialect knows."""
    try:
        return sre_parse.parse(pattern.encode("utf-8"))
    except Exception:
        return None


def max_match_width(pattern: str) -> int | None:
    """Most bytes one match can span, or None when unbounded or unknown."""
    tree = parsed(pattern)
    if tree is None:
        return None
    high = tree.getwidth()[1]
    return None if high >= UNBOUNDED else high


def lookahead_reach(pattern: str) -> int | None:
    """Most bytes past a match's end that deciding the match may read (lookaheads, `\\B`),
    or None when unbounded or unknown."""
    tree = parsed(pattern)
    if tree is None:
        return None
    reach = subpattern_reach(tree)
    return None if reach >= UNBOUNDED else reach


def subpattern_reach(items) -> int:
    reach = 0
    for op, value in items:
        if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            direction, inner = value
            if direction == 1:
                reach = max(reach, inner.getwidth()[1])
            reach = max(reach, subpattern_reach(inner))
        elif op is sre_constants.AT and value is sre_constants.AT_NON_BOUNDARY:
            reach = max(reach, 1)
        elif op is sre_constants.BRANCH:
            reach = max([reach] + [subpattern_reach(branch) for branch in value[1]])
        elif op is sre_constants.SUBPATTERN or op in sre_parse._REPEATCODES:
            reach = max(reach, subpattern_reach(value[-1]))
        elif op is sre_constants.GROUPREF_EXISTS:
            reach = max([reach] + [subpattern_reach(branch) for branch in value[1:] if branch])
    return reach
