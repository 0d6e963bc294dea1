"""What a file version adds: the line ranges of `new` that its previous version `old` lacks.

History is read the way a reviewer reads it, commit by commit: a secret is found in the version
that brought it in, and the unchanged lines of later versions are not read again. Common blocks
are peeled off at memcmp speed: the common prefix and suffix (a binary search on `startswith`),
then, while what is left is long, a block around a line from the middle of the new text that the
old text also holds, splitting the rest in two. A long stretch left over has its lines compared
as sets. Each range is whole lines plus one line of context either side, so an allow-next-line
marker above a new line, or the line that opens a multi-line value, is still seen; a finding
wholly inside the context belongs to an older version, not this one.
"""
from __future__ import annotations

import re
from itertools import accumulate

# Shorter differing stretches are scanned as they are: comparing more would cost more than it saves.
LINE_COMPARE_BYTES = 2048
MIN_SHARED_BLOCK = 256  # an anchor's common block shorter than this is a coincidence (`}`, blank lines)
MAX_SPLITS = 8  # depth of anchor splitting: at most 2**8 stretches per version
CONTEXT_LINES = 1
NEW_LINES = re.compile(b"\x00+")
NEWLINE = ord("\n")


def common_prefix(old: bytes, new: bytes, o0: int, o1: int, n0: int, n1: int) -> int:
    """Length of the common prefix of old[o0:o1] and new[n0:n1]."""
    low, high, view = 0, min(o1 - o0, n1 - n0), memoryview(new)
    while low < high:
        middle = (low + high + 1) // 2
        if old.startswith(view[n0:n0 + middle], o0, o1):
            low = middle
        else:
            high = middle - 1
    return low


def common_suffix(old: bytes, new: bytes, o0: int, o1: int, n0: int, n1: int) -> int:
    """Length of the common suffix of old[o0:o1] and new[n0:n1]."""
    low, high, view = 0, min(o1 - o0, n1 - n0), memoryview(new)
    while low < high:
        middle = (low + high + 1) // 2
        if old.endswith(view[n1 - middle:n1], o0, o1):
            low = middle
        else:
            high = middle - 1
    return low


def line_start(data: bytes, offset: int, lines: int) -> int:
    """Start of the line `lines` lines above the one holding `offset`."""
    for _ in range(lines + 1):
        offset = data.rfind(b"\n", 0, offset) if offset > 0 else -1
        if offset < 0:
            return 0
    return offset + 1


def line_end(data: bytes, offset: int, lines: int) -> int:
    """End (past the newline) of the line `lines` lines below the one holding `offset`."""
    for _ in range(lines + 1):
        offset = data.find(b"\n", offset)
        if offset < 0:
            return len(data)
        offset += 1
    return offset


def added_ranges(old: bytes, new: bytes) -> list[tuple[int, int, int, int]]:
    """(start, end, new_start, new_end) for each stretch of `new`, in order: the byte range to
    scan, context included, and the lines inside it that `old` does not have. Every such line
    of `new` is in one."""
    if old == new:
        return []
    ranges: list = []
    for o0, o1, n0, n1 in differing(old, new, 0, len(old), 0, len(new), 0):
        if n0 == n1 and whole_lines(new, n0, n1) and whole_lines(old, o0, o1):
            continue  # lines deleted, none changed
        last = max(n1 - 1, n0)  # in the last differing line (a deletion: the joint)
        start, end = line_start(new, n0, 0), line_end(new, last, 0)
        if end - start <= LINE_COMPARE_BYTES:
            runs = [(start, last)] if start < end else []
        else:
            runs = new_line_runs(old[line_start(old, o0, 0):line_end(old, max(o1 - 1, o0), 0)], new, start, end)
        for first, final in runs:
            add(ranges, (line_start(new, first, CONTEXT_LINES), line_end(new, final, CONTEXT_LINES),
                         line_start(new, first, 0), line_end(new, final, 0)))
    return ranges


def whole_lines(data: bytes, start: int, end: int) -> bool:
    return (start == 0 or data[start - 1] == NEWLINE) and (end == start or data[end - 1] == NEWLINE)


def add(ranges: list, stretch: tuple) -> None:
    """Append, merged into the last stretch when their context overlaps."""
    if ranges and stretch[0] <= ranges[-1][1]:
        start, end, new_start, _ = ranges[-1]
        ranges[-1] = (start, max(end, stretch[1]), new_start, stretch[3])
    else:
        ranges.append(stretch)


def differing(old: bytes, new: bytes, o0: int, o1: int, n0: int, n1: int, depth: int):
    """(o0, o1, n0, n1) windows, in order, left once common blocks are peeled off."""
    prefix = common_prefix(old, new, o0, o1, n0, n1)
    o0, n0 = o0 + prefix, n0 + prefix
    suffix = common_suffix(old, new, o0, o1, n0, n1)
    o1, n1 = o1 - suffix, n1 - suffix
    block = shared_block(old, new, o0, o1, n0, n1) if n1 - n0 > LINE_COMPARE_BYTES and depth < MAX_SPLITS else None
    if block is None:
        yield o0, o1, n0, n1
        return
    old_at, new_at, size = block
    yield from differing(old, new, o0, old_at, n0, new_at, depth + 1)
    yield from differing(old, new, old_at + size, o1, new_at + size, n1, depth + 1)


def shared_block(old: bytes, new: bytes, o0: int, o1: int, n0: int, n1: int):
    """(old offset, new offset, length) of a long block both windows hold, grown around the
    line in the middle of new's window, or None."""
    probe = line_start(new, (n0 + n1) // 2, 0)
    line = new[probe:line_end(new, probe, 0)]
    found = old.find(line, o0, o1) if probe >= n0 and len(line) > 1 else -1
    if found < 0:
        return None
    back = common_suffix(old, new, o0, found, n0, probe)
    ahead = common_prefix(old, new, found, o1, probe, n1)
    if back + ahead < MIN_SHARED_BLOCK:
        return None
    return found - back, probe - back, back + ahead


def new_line_runs(old_middle: bytes, new: bytes, start: int, end: int):
    """(first, last) offsets of each run of lines in new[start:end] that old_middle lacks, runs
    closer than two context widths apart joined (their context would overlap)."""
    lines = new[start:end].split(b"\n")
    # One byte per line, 1 where old_middle has it: runs of new lines are then found in C.
    known = bytes(map(set(old_middle.split(b"\n")).__contains__, lines))
    ends = list(accumulate(map(len, lines), initial=0))  # line i starts at start + ends[i] + i
    joined = None
    for run in NEW_LINES.finditer(known):
        first, last = run.start(), run.end() - 1
        if joined is not None and first - joined[1] - 1 > 2 * CONTEXT_LINES:
            yield start + ends[joined[0]] + joined[0], start + ends[joined[1]] + joined[1]
            joined = None
        joined = (first if joined is None else joined[0], last)
    if joined is not None:
        yield start + ends[joined[0]] + joined[0], start + ends[joined[1]] + joined[1]
