"""Shannon entropy, and the character sets secrets are drawn from."""
from __future__ import annotations

import math
import string
from collections import Counter

CHARSET_CHARS = {
    "hex": frozenset(string.hexdigits),
    "base64": frozenset(string.ascii_letters + string.digits + "+/="),
    "base64url": frozenset(string.ascii_letters + string.digits + "-_="),
    "alnum": frozenset(string.ascii_letters + string.digits),
}


def shannon_entropy(text: str) -> float:
    """Bits per character."""
    if not text:
        return 0.0
    length = len(text)
    return -sum(n / length * math.log2(n / length) for n in Counter(text).values())


def fits_charset(text: str, charset: str) -> bool:
    allowed = CHARSET_CHARS.get(charset)
    return allowed is None or all(c in allowed for c in text)
