"""Cheaper supersets of rule patterns, for the Hyperscan prefilter to compile.

Hyperscan unrolls bounded repeats: `(?:\\s{1,16}[A-Za-z0-9+/=]{4,80}){1,400}` in a private-key
rule took half a minute to compile, and a few such rules held every cold start for minutes.
The prefilter only has to report the end of every true match (confirmation by the real pattern
decides the rest), so a wide repeat `{m,n}` may as well be `{m,}`, and a long one `{m,}` be
`{FLOOR,}`: each matches everything the original did, and more.
"""
from __future__ import annotations

import re

# Measured on the default rules: wider limits compile slower; narrower ones report so many more
# candidates that confirmation costs more than the smaller database saves.
WIDE = 48  # repeats allowing more than this many copies are opened up
FLOOR = 32  # and need at most this many
REPEAT = re.compile(r"\{(\d*)(,?)(\d*)\}")


def relaxed(pattern: str) -> str:
    """`pattern` with wide counted repeats opened up; character classes and escapes untouched."""
    out, index, in_class = [], 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index:index + 2])
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            # A `]` (or `^]`) right after the opening bracket is a literal, not the end.
            end = index + 1 + (pattern[index + 1:index + 2] == "^")
            if pattern[end:end + 1] == "]":
                out.append(pattern[index:end + 1])
                index = end + 1
                continue
        elif char == "{":
            repeat = REPEAT.match(pattern, index)
            if repeat and repeat.group(1):
                out.append(opened(int(repeat.group(1)), repeat.group(2), repeat.group(3)))
                index = repeat.end()
                continue
        out.append(char)
        index += 1
    return "".join(out)


def opened(low: int, comma: str, high: str) -> str:
    most = int(high) if high else (None if comma else low)
    if most is not None and most <= WIDE:
        return f"{{{low}{comma}{high}}}"
    return f"{{{min(low, FLOOR)},}}"
