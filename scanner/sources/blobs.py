"""Whole blobs out of git's object store: listing them (`rev-list --objects`), reading them
through `git cat-file --batch`, and scanning each one whole.

Org scans work blob by blob (a blob's findings are stored once and shared by every repository
and commit holding it); history scans read here the blobs too large to diff in memory. Each
process keeps its own `cat-file --batch`: forked workers start theirs, and blob contents never
travel between processes.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass

from ..engine.detector import RuleTimeout
from ..errors import HushgateError
from ..findings import Finding
from .encoding import as_utf8, utf8_reader
from .files import BINARY_EXTENSIONS, SNIFF, WINDOW, is_binary
from .git import display_path, first_error_line, git_command, git_env, git_stream, revisions_on_stdin, widen_pipe

# A batch's ids (65 bytes at most each) fit in the pipe to cat-file, so writing them all
# before reading the first answer never blocks.
MAX_BATCH_BLOBS = 512
# git keeps up to 96 MB of delta bases per cat-file, one per worker, and fills it as history
# grows; 16 MB reads the requests history as fast and keeps memory flat.
CAT_FILE_CONFIG = ("-c", "core.deltaBaseCacheLimit=16m")
DEFAULT_MAX_BLOB = 10 << 20


@dataclass
class BlobEntry:
    blob: str
    size: int
    path: str  # one path the blob had (rev-list's); attribution finds all of them


def blob_entries(repo_dir: str, revisions, max_size: int, skipped: dict):
    """BlobEntry for each blob worth reading; binary-by-name and oversized ones only counted."""
    lister_args = ["rev-list", "--objects", "--filter=object:type=blob", *revisions.args]
    check_args = ["cat-file", "--batch-check=%(objectname) %(objecttype) %(objectsize) %(rest)"]
    with revisions_on_stdin(revisions.stdin) as (extra, listed), \
            git_stream([*lister_args, *extra, "--"], cwd=repo_dir, stdin=listed) as lister, \
            git_stream(check_args, cwd=repo_dir, stdin=lister.stdout) as checker:
        lister.stdout.close()  # the checker owns the pipe now; the lister sees it close if it dies
        for line in checker.stdout:
            fields = line.rstrip(b"\n").split(b" ", 3)
            blob, kind, size, path = fields + [b""] * (4 - len(fields))
            if kind == b"missing":
                raise HushgateError(f"object {blob.decode(errors='replace')} is missing or corrupt")
            if kind != b"blob":
                continue
            display = display_path(path)
            if int(size) > max_size:
                skipped["too-large"] = skipped.get("too-large", 0) + 1
            elif "." in display and display[display.rfind("."):].lower() in BINARY_EXTENSIONS:
                skipped["binary"] = skipped.get("binary", 0) + 1
            else:
                yield BlobEntry(blob.decode(), int(size), display)


_cat_files: dict = {}


def cat_file(repo_dir: str):
    """This process's `git cat-file --batch` on the repository, started on first use: forked
    workers each start their own."""
    key = (os.getpid(), repo_dir)
    if key not in _cat_files:
        errors = tempfile.TemporaryFile()  # a file: a chatty git never blocks on a full pipe
        try:
            _cat_files[key] = subprocess.Popen(
                git_command([*CAT_FILE_CONFIG, "cat-file", "--batch"]), cwd=repo_dir, stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=errors, env=git_env())
        except FileNotFoundError:
            raise HushgateError("git is not installed or not on PATH") from None
        _cat_files[key].errors = errors
        widen_pipe(_cat_files[key].stdout)
    return _cat_files[key]



def close_cat_file(repo_dir: str) -> None:
    reader = _cat_files.pop((os.getpid(), repo_dir), None)
    if reader is not None:
        reader.stdin.close()
        reader.stdout.close()
        reader.wait()
        reader.errors.close()


def scan_entries(scanner, repo_dir: str, entries: list):
    """(entry, findings or None when binary, error or None) for each entry, whole, through this
    process's cat-file a batch at a time; the cat-file is closed at the end."""
    try:
        for first in range(0, len(entries), MAX_BATCH_BLOBS):
            batch = entries[first:first + MAX_BATCH_BLOBS]
            for entry, (findings, error) in zip(batch, scan_batch(scanner, repo_dir, batch)):
                yield entry, findings, error
    finally:
        close_cat_file(repo_dir)


def scan_batch(scanner, repo_dir: str, batch: list) -> list:
    """(findings, or None when binary; error or None) for each blob of a batch."""
    reader = cat_file(repo_dir)
    try:
        reader.stdin.write(b"".join(f"{entry.blob}\n".encode() for entry in batch))
        reader.stdin.flush()
    except BrokenPipeError:
        raise HushgateError(f"cannot read blob {batch[0].blob}: {cat_file_error(reader)}") from None
    results = []
    for entry in batch:
        try:
            results.append((scan_blob(scanner, entry, reader), None))
        except RuleTimeout as exc:
            results.append((exc.findings, str(exc)))
    return results


def read_exactly(reader, size: int, entry: BlobEntry) -> bytes:
    data = reader.stdout.read(size)
    if len(data) != size:
        raise HushgateError(f"cannot read blob {entry.blob} ({entry.path}): {cat_file_error(reader)}")
    return data


def cat_file_error(reader) -> str:
    """Why cat-file stopped: git's own words when it gave any (a partial clone's missing objects)."""
    reader.kill()
    reader.wait()
    reader.errors.seek(0)
    said = reader.errors.read()
    return first_error_line(said) if said.strip() else "git cat-file stopped early (corrupt or missing object?)"


class BlobReader:
    """The rest of one blob in the batch stream as a file, for windowed scanning of big blobs."""

    def __init__(self, reader, left: int, head: bytes):
        self.reader, self.left, self.head = reader, left, head

    def read(self, size: int) -> bytes:
        data, self.head = self.head[:size], self.head[size:]
        want = min(size - len(data), self.left)
        if want > 0:
            more = self.reader.stdout.read(want)
            self.left -= len(more)
            data += more
        return data


def blob_size(reader, entry: BlobEntry) -> int:
    """Read the header cat-file gives `entry`'s blob: its size, or why there is none."""
    header = reader.stdout.readline().split()
    if len(header) != 3 or header[1] != b"blob":
        detail = "missing from the repository" if header[-1:] == [b"missing"] else cat_file_error(reader)
        raise HushgateError(f"cannot read blob {entry.blob} ({entry.path}): {detail}")
    return int(header[2])


def scan_blob(scanner, entry: BlobEntry, reader) -> list[Finding] | None:
    """Findings of one blob from the batch stream, or None when it is binary."""
    blob_size(reader, entry)
    if entry.size <= WINDOW:
        data = read_exactly(reader, entry.size + 1, entry)[:-1]
        return None if is_binary(data[:SNIFF]) else scanner.scan_bytes(as_utf8(data), entry.path)
    return scan_streamed(scanner, entry, reader)


def scan_streamed(scanner, entry: BlobEntry, reader) -> list[Finding] | None:
    """Findings of a blob too big to hold, window by window, or None when it is binary."""
    head = read_exactly(reader, SNIFF, entry)
    stream = BlobReader(reader, entry.size - SNIFF, head)
    try:
        findings = None if is_binary(head) else scanner.scan_stream(utf8_reader(stream, head), entry.path)
    except RuleTimeout:  # the stream must still end after this blob for the next one
        skip_rest(stream, reader)
        raise
    skip_rest(stream, reader)
    return findings


def skip_rest(stream: BlobReader, reader) -> None:
    """Read past what a binary blob (or an interrupted scan of one) leaves unread."""
    while stream.read(WINDOW):
        pass
    reader.stdout.read(1)
