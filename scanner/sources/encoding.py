"""Text in another encoding than UTF-8: UTF-16 and UTF-32 with a byte-order mark (Windows tools
write them: .reg exports, PowerShell output, some .config files). Rules match bytes written as
ASCII/UTF-8, so such text is transcoded to UTF-8 first; newlines survive, so line numbers hold.
Without a byte-order mark the NUL bytes make a file look binary, and it is skipped as one.
"""
from __future__ import annotations

import codecs

# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
MARKS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
CHUNK = 1 << 20


def wide_codec(head: bytes) -> str | None:
    """The codec of text starting with a UTF-16/UTF-32 byte-order mark, else None."""
    return next((codec for mark, codec in MARKS if head.startswith(mark)), None)


def as_utf8(data: bytes) -> bytes:
    """A whole buffer as UTF-8: transcoded when it starts with a byte-order mark, else as is."""
    codec = wide_codec(data[:4])
    return data if codec is None else data.decode(codec, "replace").encode("utf-8")


def utf8_reader(handle, head: bytes):
    """`handle` (positioned at the start) as a stream of UTF-8; `head` is its first bytes."""
    codec = wide_codec(head[:4])
    return handle if codec is None else Transcoder(handle, codec)


class Transcoder:
    """A read-only byte stream of UTF-8 made from a wide-encoded one, a chunk at a time.
    `read(n)` returns n bytes until the end, as a file does, which windowed scanning relies on."""

    def __init__(self, handle, codec: str):
        self.handle = handle
        self.decoder = codecs.getincrementaldecoder(codec)("replace")
        self.buffer = b""
        self.finished = False

    def read(self, size: int) -> bytes:
        pieces, length = [self.buffer], len(self.buffer)
        while length < size and not self.finished:
            raw = self.handle.read(CHUNK)
            self.finished = not raw
            piece = self.decoder.decode(raw, final=self.finished).encode("utf-8")
            pieces.append(piece)
            length += len(piece)
        data = b"".join(pieces)
        self.buffer = data[size:]
        return data[:size]


def utf8_stream(handle):
    """A stream that cannot seek back (standard input) as UTF-8."""
    head = handle.read(4)
    return utf8_reader(Prepended(head, handle), head)


class Prepended:
    """`head`, already read from `handle`, then the rest of `handle`."""

    def __init__(self, head: bytes, handle):
        self.head, self.handle = head, handle

    def read(self, size: int) -> bytes:
        data, self.head = self.head[:size], self.head[size:]
        return data + self.handle.read(size - len(data)) if len(data) < size else data
