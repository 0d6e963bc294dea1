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


# Character categories that contain the newline byte.
NEWLINE_CATEGORIES = {"CATEGORY_SPACE", "CATEGORY_NOT_DIGIT", "CATEGORY_NOT_WORD", "CATEGORY_LINEBREAK",
                      "CATEGORY_LOC_NOT_WORD", "CATEGORY_UNI_SPACE", "CATEGORY_UNI_NOT_DIGIT",
                      "CATEGORY_UNI_NOT_WORD", "CATEGORY_UNI_LINEBREAK"}
NEWLINE = 10


def is_single_line(pattern: str) -> bool:
    """True when no match can contain a newline (nor a lookahead read past one): every match
    then lies within one line, so confirmation can start at the line a prefilter hit ends on."""
    tree = parsed(pattern)
    if tree is None:
        return False
    return not reads_newline(tree, bool(tree.state.flags & sre_constants.SRE_FLAG_DOTALL))


def reads_newline(items, dotall: bool) -> bool:
    for op, value in items:
        if op is sre_constants.LITERAL:
            found = value == NEWLINE
        elif op is sre_constants.NOT_LITERAL:
            found = value != NEWLINE
        elif op is sre_constants.ANY:
            found = dotall
        elif op is sre_constants.IN:
            found = class_has_newline(value)
        elif op is sre_constants.SUBPATTERN:
            _, add, remove, inner = value
            flag = sre_constants.SRE_FLAG_DOTALL
            found = reads_newline(inner, (dotall or bool(add & flag)) and not remove & flag)
        elif op is sre_constants.BRANCH:
            found = any(reads_newline(branch, dotall) for branch in value[1])
        elif op in sre_parse._REPEATCODES:
            found = reads_newline(value[-1], dotall)
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            found = value[0] == 1 and reads_newline(value[1], dotall)  # lookbehinds read before the start
        elif op is sre_constants.GROUPREF_EXISTS:
            found = any(reads_newline(branch, dotall) for branch in value[1:] if branch)
        elif op in (sre_constants.AT, sre_constants.GROUPREF):
            found = False
        elif op is getattr(sre_constants, "ATOMIC_GROUP", None):
            found = reads_newline(value, dotall)
        else:  # an unknown construct: assume the worst
            found = True
        if found:
            return True
    return False


def class_has_newline(items) -> bool:
    negated = bool(items) and items[0][0] is sre_constants.NEGATE
    found = False
    for op, value in items[negated:]:
        if op is sre_constants.LITERAL:
            found = found or value == NEWLINE
        elif op is sre_constants.RANGE:
            found = found or value[0] <= NEWLINE <= value[1]
        elif op is sre_constants.CATEGORY:
            found = found or str(value) in NEWLINE_CATEGORIES
        else:
            return True
    return found != negated
