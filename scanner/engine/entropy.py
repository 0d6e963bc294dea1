"""Shannon entropy, the character sets secrets are drawn from, and how random a string looks.

A fixed entropy threshold is unfair to short strings and to small alphabets: 32 random hex
characters score about 3.6 bits/char, 40 random base64 characters about 4.8. So the
charset-aware test compares a string with the entropy a random string of the same length over
its narrowest alphabet is expected to have.
"""
from __future__ import annotations

import math
import string
from collections import Counter
from functools import lru_cache

CHARSET_CHARS = {
    "hex": frozenset(string.hexdigits),
    "alnum": frozenset(string.ascii_letters + string.digits),
    "base64": frozenset(string.ascii_letters + string.digits + "+/="),
    "base64url": frozenset(string.ascii_letters + string.digits + "-_="),
}
ALPHABET_SIZE = {"hex": 16, "alnum": 62, "base64": 64, "base64url": 64, "any": 80}
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


def narrowest_charset(text: str) -> str:
    """hex, alnum, base64, base64url or any: the smallest alphabet the text fits.
    Hex needs both digits and letters, else `1234...` would count as hex."""
    chars = set(text)
    if chars <= CHARSET_CHARS["hex"] and chars & set(string.digits) and chars & set(string.ascii_letters):
        return "hex"
    for charset in ("alnum", "base64", "base64url"):
        if chars <= CHARSET_CHARS[charset]:
            return charset
    return "any"


@lru_cache(maxsize=4096)
def expected_entropy(length: int, alphabet: int) -> float:
    """Mean Shannon entropy of `length` characters drawn uniformly from `alphabet` symbols:
    log2(n) - (k/n) * E[N log2 N] with N ~ Binomial(n, 1/k)."""
    if length < 2:
        return 0.0
    p = 1.0 / alphabet
    mean_n_log_n = sum(math.comb(length, j) * p ** j * (1 - p) ** (length - j) * j * math.log2(j)
                       for j in range(2, min(length, 60) + 1))
    return math.log2(length) - alphabet * mean_n_log_n / length


def randomness_floor(text: str) -> float:
    """Entropy a string of this length and alphabet must reach to look machine-generated."""
    return expected_entropy(min(len(text), 256), ALPHABET_SIZE[narrowest_charset(text)]) - RANDOMNESS_MARGIN


def looks_random(text: str) -> bool:
    return shannon_entropy(text) >= randomness_floor(text)
