"""File versions of a commit walk, read from git and cut down to what each one adds.

The walk (`attribution.changes`) names every file version a commit brings in, and the version
it replaced at that path. Each blob is read once, through one `git cat-file --batch` fed a few
hundred ids at a time, and becomes a Piece: the line ranges its predecessor did not have
(`changed_lines`), or all of it when the path is new. Recently read versions stay in a bounded
cache, since the next version of a file usually follows soon; a predecessor no longer cached
is read again with its successor.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from ..errors import HushgateError
from .blobs import BlobEntry, BlobReader, blob_size, cat_file, cat_file_error, read_exactly, scan_streamed, skip_rest
from .changed_lines import added_ranges
from .encoding import as_utf8
from .files import BINARY_EXTENSIONS, SNIFF, WINDOW, is_binary, is_excluded
from .git import display_path

READ_BATCH = 256
CACHE_BYTES = 16 << 20
WHOLE, PART = 2, 1  # how much of a blob has been scanned


@dataclass
class Piece:
    """One file version to scan: its new content, and the commit and path that brought it in."""
    blob: str
    path: str
    raw_path: bytes
    info: tuple  # (commit, author, date)
    size: int
    # (offset, line, bytes) of each stretch to scan, and the (start, end) offsets of the new
    # lines in it: a finding only in the context around them is not this version's.
    runs: list = field(default_factory=list)
    found: list | None = None  # findings made while reading (a blob too big to hold, streamed)
    error: str | None = None


@dataclass
class Wanted:
    blob: str
    old: str | None  # the version it replaced, to diff against; None: scan it whole
    raw_path: bytes
    path: str
    info: tuple
    again: bool = False  # read before, as an edit: now whole, for a new path
    read_old: bool = False


class VersionReader:
    """Turns the walk's changes into Pieces, each blob once (a blob first met as an edit and
    later added at another path is read again whole, as its new path gets all of it)."""

    def __init__(self, scanner, repo_dir: str, exclude: tuple, max_size: int, result, progress=None):
        self.scanner, self.repo_dir, self.exclude, self.max_size = scanner, repo_dir, exclude, max_size
        self.result, self.progress = result, progress
        self.scanned: dict[str, int] = {}
        self.cache: OrderedDict = OrderedDict()  # blob -> text (None: binary or too large)
        self.cache_bytes = 0

    def wanted(self, changes, on_seen):
        """Wanted for each change needing a read; `on_seen(blob, raw path, info)` for the others."""
        for blob, old, raw_path, info in changes:
            if self.exclude and is_excluded(display_path(raw_path), self.exclude):
                self.result.skip("excluded")
                continue
            done = self.scanned.get(blob)
            if done == WHOLE or done == PART and old is not None:
                on_seen(blob, raw_path, info)
                continue
            self.scanned[blob] = PART if old is not None else WHOLE
            path = display_path(raw_path)
            if "." in path and path[path.rfind("."):].lower() in BINARY_EXTENSIONS:
                self.result.skip("binary")
                self.scanned[blob] = WHOLE
                continue
            yield Wanted(blob, old, raw_path, path, info, again=done is not None)

    def pieces(self, wanted):
        batch = []
        for item in wanted:
            batch.append(item)
            if len(batch) >= READ_BATCH:
                yield from self.read_batch(batch)
                batch = []
        if batch:
            yield from self.read_batch(batch)

    def read_batch(self, batch: list):
        reader = cat_file(self.repo_dir)
        ids, coming = [], set()
        for item in batch:
            if item.old is not None and item.old not in self.cache and item.old not in coming:
                item.read_old = True
                ids.append(item.old)
                coming.add(item.old)
            ids.append(item.blob)
            coming.add(item.blob)
        try:
            reader.stdin.write("".join(f"{blob}\n" for blob in ids).encode())
            reader.stdin.flush()
        except BrokenPipeError:
            raise HushgateError(f"cannot read blob {ids[0]}: {cat_file_error(reader)}") from None
        for item in batch:
            if item.read_old:
                self.remember(item.old, self.read_text(reader, item, item.old)[1])
            yield self.piece(reader, item)

    def piece(self, reader, item: Wanted) -> Piece:
        size, text, skipped = self.read_text(reader, item, item.blob, scan_big=True)
        if self.progress:
            self.progress(size)
        if skipped:
            self.result.skip(skipped)
        if isinstance(text, Piece):
            return text
        if text is None:  # still handed on, so whoever waits for its findings hears there are none
            return Piece(item.blob, item.path, item.raw_path, item.info, size, found=[])
        old = self.cache.get(item.old) if item.old is not None else None
        self.remember(item.blob, text)
        self.result.files += not item.again
        if old is None:
            self.scanned[item.blob] = WHOLE
        ranges = added_ranges(old, text) if old is not None else [(0, len(text), 0, len(text))] if text else []
        piece = Piece(item.blob, item.path, item.raw_path, item.info, size)
        line, counted = 1, 0
        for start, end, new_start, new_end in ranges:
            line += text.count(b"\n", counted, start)
            counted = start
            piece.runs.append((start, line, text[start:end], new_start, new_end))
        self.result.bytes += sum(end - start for start, end, _, _ in ranges)
        return piece

    def read_text(self, reader, item: Wanted, blob: str, scan_big: bool = False):
        """(size, UTF-8 text or None, why it was skipped or None). A blob too big to hold in
        memory is scanned on the way, window by window, into a Piece when `scan_big`."""
        entry = BlobEntry(blob, 0, item.path)
        entry.size = size = blob_size(reader, entry)
        if size > self.max_size or size > WINDOW and not scan_big:
            skip_rest(BlobReader(reader, size, b""), reader)
            return size, None, "too-large" if size > self.max_size else None
        if size > WINDOW:
            piece = self.streamed(item, entry, reader)
            if piece.found is None:  # binary: handed on with no findings
                piece.found = []
                return size, piece, "binary"
            return size, piece, None
        data = read_exactly(reader, size + 1, entry)[:-1]
        if is_binary(data[:SNIFF]):
            return size, None, "binary"
        return size, as_utf8(data), None

    def streamed(self, item: Wanted, entry: BlobEntry, reader) -> Piece:
        """A version too big to diff in memory, scanned whole window by window (found None:
        binary)."""
        from ..engine.detector import RuleTimeout

        piece = Piece(item.blob, item.path, item.raw_path, item.info, entry.size)
        try:
            piece.found = scan_streamed(self.scanner, entry, reader)
        except RuleTimeout as exc:
            piece.found, piece.error = exc.findings, str(exc)
        if piece.found is not None:
            self.result.files += 1
            self.result.bytes += entry.size
        self.scanned[item.blob] = WHOLE
        return piece

    def remember(self, blob: str, text: bytes | None) -> None:
        size = len(text) if text else 0
        if size > CACHE_BYTES // 4 or blob in self.cache:
            return
        self.cache[blob] = text
        self.cache.move_to_end(blob)
        self.cache_bytes += size
        while self.cache_bytes > CACHE_BYTES:
            _, dropped = self.cache.popitem(last=False)
            self.cache_bytes -= len(dropped) if dropped else 0
