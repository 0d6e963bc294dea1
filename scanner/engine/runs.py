"""Maximal runs of base64 or hex characters, found at C speed.

A regex such as `(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{24,}` retries at every byte of every
shorter run (identifiers are full of them), which made looking for encoded text cost more than
all of rule matching. Instead each chunk is translated once into a mask (member, padding,
other) and `bytes.find` jumps from one long-enough run to the next.
"""
from __future__ import annotations

import re

MEMBER, PADDING, OTHER = b"m", b"=", b" "
BASE64_CHARS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-"
HEX_CHARS = b"0123456789ABCDEFabcdef"
NOT_MEMBER = re.compile(rb"[^m]")


def mask_table(members: bytes, padding: bytes = b"") -> bytes:
    table = bytearray(OTHER * 256)
    for byte in members:
        table[byte] = MEMBER[0]
    for byte in padding:
        table[byte] = PADDING[0]
    return bytes(table)


BASE64_MASK = mask_table(BASE64_CHARS, padding=b"=")
HEX_MASK = mask_table(HEX_CHARS)


def base64_spans(data: bytes, min_chars: int):
    """Spans of base64 text: a maximal run of at least `min_chars` base64 characters (standard or
    URL-safe alphabet), plus at most two `=` of padding that nothing from the alphabet follows.
    A run right after another long run's padding continues that blob and is not a run of its
    own; after a short word and `=` (`KEY=...`) it is a value."""
    mask = data.translate(BASE64_MASK)
    size, needle, member, padding = len(mask), MEMBER * min_chars, MEMBER[0], PADDING[0]
    start = mask.find(needle)
    while start >= 0:  # one flat loop: this runs for every identifier-like word of every file
        other = NOT_MEMBER.search(mask, start + min_chars)
        end = other.start() if other else size
        padded = end
        while padded < size and padded - end <= 2 and mask[padded] == padding:
            padded += 1
        if not (continues_padded_run(mask, start, needle) or padded - end > 2
                or padded < size and mask[padded] == member):
            yield start, padded
        start = mask.find(needle, end)


def continues_padded_run(mask: bytes, start: int, needle: bytes) -> bool:
    """True when `=` padding ending a run of at least len(needle) characters precedes `start`."""
    before = start
    while before > 0 and start - before < 2 and mask[before - 1] == PADDING[0]:
        before -= 1
    return before < start and mask[max(0, before - len(needle)):before] == needle


def hex_spans(data: bytes, min_chars: int):
    """Spans of hex text: a maximal run of at least `min_chars` hex digits, of even length."""
    mask = data.translate(HEX_MASK)
    needle = MEMBER * min_chars
    start = mask.find(needle)
    while start >= 0:
        other = NOT_MEMBER.search(mask, start + min_chars)
        end = other.start() if other else len(mask)
        if (end - start) % 2 == 0:
            yield start, end
        start = mask.find(needle, end)
