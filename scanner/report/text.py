"""Text helpers shared by human-readable reporters."""
from __future__ import annotations

import re

# Controls, bidi overrides, and the lone surrogates that stand for undecodable bytes in file names
# (they cannot be written as UTF-8 at all).
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def escape_control(text: str) -> str:
    """File names may carry newlines, terminal escape sequences or undecodable bytes; show them,
    never obey them."""
    return CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def human_size(count: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return str(count)
