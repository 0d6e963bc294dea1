"""Lines of a chunk: where each one starts, found in one pass when the chunk has a finding.

Every finding needs its line number, its line's bounds and its column. Searching the chunk again
for each finding costs time proportional to the line's length per finding, which is quadratic
on a long line full of matches: a one-line, megabyte-long file of tokens took minutes.
"""
from __future__ import annotations

import re
from bisect import bisect_right

NEWLINE = re.compile(b"\n")


class Lines:
    def __init__(self, data: bytes):
        self.data = data
        self.starts = [0] + [match.end() for match in NEWLINE.finditer(data)]
        self.last_column = (0, 1)  # (offset, its column): a long line's columns go on from there

    def number(self, offset: int) -> int:
        """1-based line number of `offset`."""
        return bisect_right(self.starts, offset)

    def span(self, offset: int) -> tuple[int, int]:
        """(start, end) of the line holding `offset`, its newline excluded."""
        index = bisect_right(self.starts, offset) - 1
        end = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(self.data)
        return self.starts[index], end

    def column(self, offset: int) -> int:
        """1-based column of `offset`, in characters (an undecodable byte counts as one)."""
        start, _ = self.span(offset)
        known, column = self.last_column
        if not (start <= known <= offset and (known == len(self.data) or self.data[known] & 0xC0 != 0x80)):
            known, column = start, 1
        column += len(self.data[known:offset].decode("utf-8", "replace"))
        self.last_column = (offset, column)
        return column


_last: Lines | None = None


def lines_of(data: bytes) -> Lines:
    """The Lines of `data`, built once for the chunk being worked on."""
    global _last
    if _last is None or _last.data is not data:
        _last = Lines(data)
    return _last
