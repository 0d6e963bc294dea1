"""Lines of a chunk: line numbers, line bounds and columns of offsets, for findings.

Most chunks with a finding are asked about a handful of offsets, and counting or searching for
newlines in C answers each of those faster than indexing every line of the chunk. But searching
the chunk again for each finding is quadratic on a long line full of matches (a one-line,
megabyte-long file of tokens took minutes), so a chunk asked more than a few questions gets an
index of where each line starts, built once.
"""
from __future__ import annotations

import re
from bisect import bisect_right

NEWLINE = re.compile(b"\n")
DIRECT_QUESTIONS = 16  # questions answered by searching the chunk before it gets an index


class Lines:
    def __init__(self, data: bytes):
        self.data = data
        self.starts: list[int] | None = None  # where each line starts, once indexed
        self.asked = 0
        self.last_column = (0, 1)  # (offset, its column): a long line's columns go on from there

    def indexed(self) -> bool:
        """Whether to answer from the index, building it at the first question past the limit."""
        if self.starts is None:
            self.asked += 1
            if self.asked <= DIRECT_QUESTIONS:
                return False
            self.starts = [0] + [match.end() for match in NEWLINE.finditer(self.data)]
        return True

    def number(self, offset: int) -> int:
        """1-based line number of `offset`."""
        if self.indexed():
            return bisect_right(self.starts, offset)
        return self.data.count(b"\n", 0, offset) + 1

    def span(self, offset: int) -> tuple[int, int]:
        """(start, end) of the line holding `offset`, its newline excluded."""
        if self.indexed():
            index = bisect_right(self.starts, offset) - 1
            end = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(self.data)
            return self.starts[index], end
        end = self.data.find(b"\n", offset)
        return self.data.rfind(b"\n", 0, offset) + 1, len(self.data) if end < 0 else end

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
    """The Lines of `data`, kept for the chunk being worked on."""
    global _last
    if _last is None or _last.data is not data:
        _last = Lines(data)
    return _last
