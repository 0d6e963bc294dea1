"""Maximal runs of base64 or hex characters, found at C speed.

A regex such as `(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{24,}` retries at every byte of every
shorter run (identifiers are full of them), which made looking for encoded text cost more than
all of rule matching. Instead each chunk is translated once into a mask (member, padding,
other) and `bytes.find` jumps from one long-enough run to the next; hex runs are looked for
only inside those runs.
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


def encoded_spans(data: bytes, min_base64: int, min_hex: int) -> tuple[list, list]:
    """(base64 spans, hex spans) of `data`, from one mask: hex digits are base64 characters,
    so every hex run lies inside a run of base64 characters at least as long.

    A base64 span is a maximal run of at least `min_base64` base64 characters (standard or
    URL-safe alphabet), plus at most two `=` of padding that nothing from the alphabet follows.
    A run right after another long run's padding continues that blob and is not a run of its
    own; after a short word and `=` (`KEY=...`) it is a value. A hex span is a maximal run of
    at least `min_hex` hex digits, of even length."""
    mask = data.translate(BASE64_MASK)
    shortest = min(min_base64, min_hex)
    size, needle, long_run = len(mask), MEMBER * shortest, MEMBER * min_base64
    base64, hexes = [], []
    start = mask.find(needle)
    while start >= 0:  # one flat loop: this runs for every identifier-like word of every file
        other = NOT_MEMBER.search(mask, start + shortest)
        end = other.start() if other else size
        if end - start >= min_base64:
            padded = end
            while padded < size and padded - end <= 2 and mask[padded] == PADDING[0]:
                padded += 1
            if not (start and mask[start - 1] == PADDING[0] and continues_padded_run(mask, start, long_run)
                    or padded - end > 2 or padded < size and mask[padded] == MEMBER[0]):
                base64.append((start, padded))
        if end - start >= min_hex:
            hexes += hex_spans_within(data, start, end, min_hex)
        start = mask.find(needle, end)
    return base64, hexes


def continues_padded_run(mask: bytes, start: int, needle: bytes) -> bool:
    """True when `=` padding ending a run of at least len(needle) characters precedes `start`."""
    before = start
    while before > 0 and start - before < 2 and mask[before - 1] == PADDING[0]:
        before -= 1
    return before < start and mask[max(0, before - len(needle)):before] == needle


def hex_spans_within(data: bytes, first: int, stop: int, min_chars: int) -> list:
    """Hex spans in data[first:stop], a run of base64 characters: it is bounded by bytes that
    are not hex digits, so the runs found in it are maximal in `data`."""
    mask = data[first:stop].translate(HEX_MASK)
    needle = MEMBER * min_chars
    spans = []
    start = mask.find(needle)
    while start >= 0:
        other = NOT_MEMBER.search(mask, start + min_chars)
        end = other.start() if other else len(mask)
        if (end - start) % 2 == 0:
            spans.append((first + start, first + end))
        start = mask.find(needle, end)
    return spans
