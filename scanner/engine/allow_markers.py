"""Inline allow markers: a comment on the finding's line, or on the line before it.

Besides hushgate's own, the markers teams already have in their code are honoured, so moving
from gitleaks or detect-secrets does not resurface findings they already triaged.
"""
from __future__ import annotations

import re

from .lines import lines_of

# Markers sit in a comment near the secret; on a minified megabyte-long line, look only this far.
REACH = 4096
SAME_LINE = re.compile(rb"hushgate:allow(?!-next-line)|gitleaks:allow|pragma: ?allowlist secret")
NEXT_LINE = re.compile(rb"hushgate:allow-next-line|pragma: ?allowlist nextline secret")


def line_span(data: bytes, offset: int) -> tuple[int, int]:
    return lines_of(data).span(offset)


def is_allowed_by_marker(data: bytes, offset: int) -> bool:
    """True when the line holding `offset` carries a same-line marker, or the line above it
    a next-line marker. Only these two lines are read, so the check costs nothing per file."""
    start, end = line_span(data, offset)
    if SAME_LINE.search(data, max(start, offset - REACH), min(end, offset + REACH)):
        return True
    if start == 0:
        return False
    previous_start, _ = line_span(data, start - 1)
    return bool(NEXT_LINE.search(data, max(previous_start, start - REACH), start - 1))
