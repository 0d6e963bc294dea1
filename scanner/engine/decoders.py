"""Encoded runs: find base64, hex and percent-encoded text, and decode the runs that hide text.

Only runs long enough to hold a secret are tried, and only decodings that are mostly printable
text are kept, so hashes, images and random keys (which decode to binary) cost one decode and
nothing more. Every decoded byte maps back to a position inside its run, so a finding in
decoded text points at the encoded bytes in the original.
"""
from __future__ import annotations

import binascii

from ..record import record
from .patterns import Lazy, compile_with_regex
from .runs import encoded_spans

MIN_BASE64_CHARS = 24
MIN_HEX_CHARS = 32
MIN_PERCENT_ESCAPES = 3
MAX_RUN_CHARS = 64 << 10
MIN_PRINTABLE_RATIO = 0.95
PRINTABLE = bytes(range(0x20, 0x7F)) + b"\t\n\r"

# Anchored at an escape so the search never rescans a token; the run then extends backwards.
# `regex`, not `re`: on PERCENT_RUN `re` takes ten times longer.
PERCENT_RUN = Lazy(rb"(?:%[0-9A-Fa-f]{2}[^\s\"'`<>%]{0,64}){" + str(MIN_PERCENT_ESCAPES).encode() + rb",}",
                   compile_with_regex)
TOKEN_BYTES = Lazy(rb"[^\s\"'`<>%]{1,256}$", compile_with_regex)


@record
class Decoded:
    kind: str  # base64, hex or percent
    start: int  # span of the encoded run in the data it was found in
    end: int
    text: bytes
    stride: tuple[int, int] = (1, 1)  # encoded chars per decoded bytes, for fixed-width codes
    offsets: list | None = None  # run offset of each decoded byte, for variable-width codes

    def origin(self, position: int) -> int:
        """Where decoded byte `position` came from in the outer data."""
        if position >= len(self.text):
            return self.end
        if self.offsets is not None:
            return self.start + self.offsets[position]
        encoded, decoded = self.stride
        return self.start + position // decoded * encoded


def is_mostly_printable(data: bytes) -> bool:
    if not data:
        return False
    unprintable = len(data.translate(None, PRINTABLE))  # counted in C: this runs on every run
    return len(data) - unprintable >= MIN_PRINTABLE_RATIO * len(data)


def decode_base64(run: bytes) -> bytes | None:
    if b"-" in run or b"_" in run:
        if b"+" in run or b"/" in run:
            return None
        run = run.replace(b"-", b"+").replace(b"_", b"/")
    body = run.rstrip(b"=")
    if len(body) % 4 == 1:
        return None
    try:
        return binascii.a2b_base64(body + b"=" * (-len(body) % 4))
    except binascii.Error:
        return None


def base64_runs(data: bytes, spans: list):
    for start, end in spans:
        run = data[start:end]
        # One letter case only: snake_case or CONSTANT_CASE identifiers and numbers, not base64.
        if run.islower() or run.isupper() or run.isdigit() or len(run) > MAX_RUN_CHARS:
            continue
        decoded = decode_base64(run)
        if decoded and is_mostly_printable(decoded):
            yield Decoded("base64", start, end, decoded, stride=(4, 3))


def hex_runs(data: bytes, spans: list):
    for start, end in spans:
        run = data[start:end]
        if len(run) > MAX_RUN_CHARS:
            continue
        decoded = binascii.unhexlify(run)
        if is_mostly_printable(decoded):
            yield Decoded("hex", start, end, decoded, stride=(2, 1))


def percent_runs(data: bytes):
    for match in PERCENT_RUN.finditer(data):
        head = TOKEN_BYTES.search(data, max(0, match.start() - 256), match.start())
        start = head.start() if head else match.start()
        decoded, offsets = percent_decode(data[start:match.end()])
        if is_mostly_printable(decoded):
            yield Decoded("percent", start, match.end(), decoded, offsets=offsets)


def percent_decode(run: bytes) -> tuple[bytes, list[int]]:
    out, offsets, index = bytearray(), [], 0
    while index < len(run):
        if run[index] == 0x25 and is_hex_pair(run[index + 1:index + 3]):
            out.append(int(run[index + 1:index + 3], 16))
            offsets.append(index)
            index += 3
        else:
            out.append(run[index])
            offsets.append(index)
            index += 1
    return bytes(out), offsets


def is_hex_pair(pair: bytes) -> bool:
    return len(pair) == 2 and all(byte in b"0123456789abcdefABCDEF" for byte in pair)


def encoded_runs(data: bytes):
    """Every decodable run in `data` whose decoding is text, in order of kind then position."""
    base64_found, hex_found = encoded_spans(data, MIN_BASE64_CHARS, MIN_HEX_CHARS)
    yield from base64_runs(data, base64_found)
    yield from hex_runs(data, hex_found)
    if b"%" in data:
        yield from percent_runs(data)
