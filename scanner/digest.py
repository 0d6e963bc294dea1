"""SHA-256 and HMAC-SHA-256 without importing hashlib: loading its OpenSSL binding costs a git
hook ~2 ms, and CPython's built-in SHA-256 is all hushgate needs (cache keys, fingerprints)."""
from __future__ import annotations

try:
    from _sha2 import sha256  # CPython 3.12+
except ImportError:
    try:
        from _sha256 import sha256  # CPython 3.11
    except ImportError:  # another interpreter
        from hashlib import sha256

BLOCK = 64
INNER = bytes(byte ^ 0x36 for byte in range(256))
OUTER = bytes(byte ^ 0x5C for byte in range(256))
_keyed: dict = {}


def hmac_sha256(key: bytes, message: bytes) -> str:
    """Hex HMAC-SHA-256 (RFC 2104) of `message` under `key`."""
    states = _keyed.get(key)
    if states is None:
        padded = (sha256(key).digest() if len(key) > BLOCK else key).ljust(BLOCK, b"\0")
        states = _keyed[key] = (sha256(padded.translate(INNER)), sha256(padded.translate(OUTER)))
    inner, outer = states[0].copy(), states[1].copy()
    inner.update(message)
    outer.update(inner.digest())
    return outer.hexdigest()
