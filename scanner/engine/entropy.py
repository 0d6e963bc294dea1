"""Shannon entropy, the character sets secrets are drawn from, and how random a string looks.

A fixed entropy threshold is unfair to short strings and to small alphabets: 32 random hex
characters score about 3.6 bits/char, 40 random base64 characters about 4.8. So the
charset-aware test compares a string with the entropy a random string of the same length over
the alphabet its characters suggest (hex, or the classes present) is expected to have.
"""
from __future__ import annotations

import math
import re
import string
from collections import Counter
from functools import lru_cache

CHARSET_CHARS = {
    "hex": frozenset(string.hexdigits),
    "alnum": frozenset(string.ascii_letters + string.digits),
    "base64": frozenset(string.ascii_letters + string.digits + "+/="),
    "base64url": frozenset(string.ascii_letters + string.digits + "-_="),
}
DIGITS = frozenset(string.digits)
LOWER = frozenset(string.ascii_lowercase)
UPPER = frozenset(string.ascii_uppercase)
HEX_LOWER = frozenset("abcdef")
HEX_UPPER = frozenset("ABCDEF")
SEPARATORS = re.compile(r"[-_.]")
# Below the expected entropy of a random string by this much, a string is not random enough.
RANDOMNESS_MARGIN = 0.55


def shannon_entropy(text: str) -> float:
    """Bits per character."""
    if not text:
        return 0.0
    length = len(text)
    return -sum(n / length * math.log2(n / length) for n in Counter(text).values())


def fits_charset(text: str, charset: str) -> bool:
    allowed = CHARSET_CHARS.get(charset)
    return allowed is None or all(c in allowed for c in text)


def alphabet_size(text: str) -> int:
    """How many symbols a generator of `text` plausibly drew from: 16 for hex (one letter case),
    22 for hex in both cases (a random alphanumeric string that long would hold other letters),
    else the sum of the character classes present (lower 26, upper 26, digits 10, each other
    symbol 1). Lower-case-and-digit keys are common, and judging them against 62 symbols would
    call them not random."""
    chars = set(text)
    digits = chars & DIGITS
    letters = chars - DIGITS
    if digits and letters and (letters <= HEX_LOWER or letters <= HEX_UPPER):
        return 16
    if digits and letters <= HEX_LOWER | HEX_UPPER:
        return 22
    size = 10 * bool(digits)
    size += 26 * bool(letters & LOWER) + 26 * bool(letters & UPPER)
    return size + len(letters - LOWER - UPPER)


@lru_cache(maxsize=4096)
def expected_entropy(length: int, alphabet: int) -> float:
    """Mean Shannon entropy of `length` characters drawn uniformly from `alphabet` symbols:
    log2(n) - (k/n) * E[N log2 N] with N ~ Binomial(n, 1/k)."""
    if length < 2:
        return 0.0
    p = 1.0 / alphabet
    # Terms far beyond the mean count of a symbol are negligible.
    highest = min(length, int(length * p + 10 * math.sqrt(length * p) + 10))
    mean_n_log_n = sum(math.comb(length, j) * p ** j * (1 - p) ** (length - j) * j * math.log2(j)
                       for j in range(2, highest + 1))
    return math.log2(length) - alphabet * mean_n_log_n / length


def without_separators(text: str) -> str:
    """UUIDs, JWTs and grouped keys carry `-`, `_` or `.` by format, not by chance."""
    core = SEPARATORS.sub("", text)
    return core if len(core) >= 8 else text


def randomness_floor(text: str) -> float:
    """Entropy a string of this length and alphabet must reach to look machine-generated."""
    core = without_separators(text)
    return expected_entropy(min(len(core), 256), max(alphabet_size(core), 2)) - RANDOMNESS_MARGIN


def looks_random(text: str) -> bool:
    return shannon_entropy(without_separators(text)) >= randomness_floor(text)
