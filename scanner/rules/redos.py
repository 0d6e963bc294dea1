"""Catastrophic backtracking shapes in users' patterns, found before a scan rather than during it.

A backtracking engine tries every way a pattern can split its input before it gives up, and two
shapes make that number exponential in the input length:
- a quantifier around a variable-length repeat that can match a whole iteration on its own,
  `(a+)+` or `(\\w+\\s?)*`: every split of a run between the inner and outer loop is tried;
- an unbounded repeat of alternatives that can start with the same character, `(a|aa)+`: every
  choice of branch for every character is tried.
The first is rejected (it has no use a possessive or atomic form does not cover); the second is a
warning, since telling it from a harmless `(ab|ac)*` needs more than the first character. Either
way the confirmation regex runs under a timeout (`Limits.regex_timeout`), so a shape this check
misses costs one rule on one chunk, not the scan.

The pattern is read with Python's own regex parser; a pattern only the `regex` module
understands (\\p{...}, fuzzy matching, ...) is not analysed.
"""
from __future__ import annotations

try:
    from re import _constants as sre
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as sre
    import sre_parse

ALL = frozenset(range(256)) | {"non-ascii"}
DIGITS = frozenset(range(0x30, 0x3A))
WORD = DIGITS | frozenset(range(0x41, 0x5B)) | frozenset(range(0x61, 0x7B)) | {0x5F, "non-ascii"}
SPACE = frozenset(b" \t\n\r\f\v")
CATEGORIES = {
    sre.CATEGORY_DIGIT: DIGITS, sre.CATEGORY_NOT_DIGIT: ALL - DIGITS,
    sre.CATEGORY_WORD: WORD, sre.CATEGORY_NOT_WORD: ALL - WORD | {"non-ascii"},
    sre.CATEGORY_SPACE: SPACE, sre.CATEGORY_NOT_SPACE: ALL - SPACE,
}
REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT)
# An outer loop allowed this many turns is "unbounded" for backtracking purposes.
MANY = 16


class Catastrophic(ValueError):
    """A shape that backtracks exponentially: the pattern is rejected."""


def check_pattern(pattern: str) -> list[str]:
    """Warnings about `pattern`; raises Catastrophic for a nested quantifier."""
    try:
        parsed = sre_parse.parse(pattern)
    except Exception:  # noqa: BLE001 - regex-module syntax: not ours to judge
        return []
    warnings: list[str] = []
    visit(list(parsed), warnings)
    return warnings


def visit(items: list, warnings: list) -> None:
    for op, arg in items:
        if op in REPEATS:
            low, high, body = arg
            body = list(body)
            if high == sre.MAXREPEAT or high >= MANY:
                if whole_iteration_by_inner_repeat(body):
                    raise Catastrophic("a variable-length repeat nested in another repeat, like (a+)+ or "
                                       "(\\w+\\s?)*, backtracks exponentially on input that almost matches; "
                                       "make the inner repeat possessive (a++) or atomic ((?>a+)), or drop "
                                       "the outer one")
                if overlapping_branches(body, first_chars(body)):
                    warnings.append("alternatives that can start with the same character under a repeat, "
                                    "like (a|aa)+, can backtrack exponentially; make them exclusive")
            visit(body, warnings)
        elif op == sre.SUBPATTERN:
            visit(list(arg[-1]), warnings)
        elif op == sre.BRANCH:
            for branch in arg[1]:
                visit(list(branch), warnings)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            visit(list(arg[1]), warnings)
        # Atomic groups and possessive repeats are never re-entered once matched, so they are no
        # outer loop; what they hold still backtracks until it first matches.
        elif op == sre.ATOMIC_GROUP:
            visit(list(arg), warnings)
        elif op == sre.POSSESSIVE_REPEAT:
            visit(list(arg[2]), warnings)


def whole_iteration_by_inner_repeat(items: list) -> bool:
    """Whether one iteration can be matched by a variable-length repeat alone, everything else
    in the iteration matching empty."""
    for index, (op, arg) in enumerate(items):
        rest = items[:index] + items[index + 1:]
        if not all(nullable([item]) for item in rest):
            continue
        if op in REPEATS:
            low, high, body = arg
            if low != high and high > 1 and not all(nullable([item]) for item in body):
                return True
            if high <= 1 and whole_iteration_by_inner_repeat(list(body)):
                return True
        elif op == sre.SUBPATTERN and whole_iteration_by_inner_repeat(list(arg[-1])):
            return True
        elif op == sre.BRANCH and any(whole_iteration_by_inner_repeat(list(b)) for b in arg[1]):
            return True
    return False


def overlapping_branches(items: list, follow: frozenset) -> bool:
    """An alternation in the sequence two of whose branches can start alike. A branch that can
    match nothing starts with whatever follows it: `(a|aa)+` is `a(?:|a)` repeated, and the empty
    branch followed by the next turn's `a` competes with the `a` branch."""
    for index, (op, arg) in enumerate(items):
        rest = items[index + 1:]
        after = first_chars(rest) | (follow if nullable(rest) else frozenset())
        if op == sre.SUBPATTERN and overlapping_branches(list(arg[-1]), after):
            return True
        if op == sre.BRANCH:
            starts = [first_chars(list(b)) | (after if nullable(list(b)) else frozenset()) for b in arg[1]]
            if any(starts[i] & starts[j] for i in range(len(starts)) for j in range(i + 1, len(starts))):
                return True
    return False


def nullable(items: list) -> bool:
    """Whether the sequence can match the empty string."""
    for op, arg in items:
        if op in REPEATS or op == sre.POSSESSIVE_REPEAT:
            if arg[0] > 0 and not nullable(list(arg[2])):
                return False
        elif op == sre.SUBPATTERN:
            if not nullable(list(arg[-1])):
                return False
        elif op == sre.ATOMIC_GROUP:
            if not nullable(list(arg)):
                return False
        elif op == sre.BRANCH:
            if not any(nullable(list(branch)) for branch in arg[1]):
                return False
        elif op not in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            return False
    return True


def first_chars(items: list) -> frozenset:
    """The characters (bytes, or "non-ascii") a match of the sequence can start with."""
    found: frozenset = frozenset()
    for op, arg in items:
        if op == sre.LITERAL:
            found |= {arg if arg < 256 else "non-ascii"}
        elif op == sre.NOT_LITERAL or op == sre.ANY:
            found |= ALL
        elif op == sre.IN:
            found |= class_chars(arg)
        elif op in REPEATS or op == sre.POSSESSIVE_REPEAT:
            found |= first_chars(list(arg[2]))
        elif op == sre.SUBPATTERN:
            found |= first_chars(list(arg[-1]))
        elif op == sre.ATOMIC_GROUP:
            found |= first_chars(list(arg))
        elif op == sre.BRANCH:
            for branch in arg[1]:
                found |= first_chars(list(branch))
        elif op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue
        else:  # back-references, conditionals: assume anything
            return ALL
        if not nullable([(op, arg)]):
            return found
    return found


def class_chars(items: list) -> frozenset:
    chars: set = set()
    negate = False
    for op, arg in items:
        if op == sre.NEGATE:
            negate = True
        elif op == sre.LITERAL:
            chars.add(arg if arg < 256 else "non-ascii")
        elif op == sre.RANGE:
            low, high = arg
            chars.update(range(low, min(high, 255) + 1))
            if high > 255:
                chars.add("non-ascii")
        elif op == sre.CATEGORY:
            chars.update(CATEGORIES.get(arg, ALL))
        else:
            chars.update(ALL)
    return frozenset(ALL - chars | {"non-ascii"}) if negate else frozenset(chars)
