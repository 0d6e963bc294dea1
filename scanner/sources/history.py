"""History source: every blob reachable from the chosen commits, each read and scanned once.

`git rev-list --objects` names each object once however many commits share it, so a file that
stays the same across 1,000 commits is one blob and one scan. `cat-file --batch-check` sizes
them without reading. Blobs are scanned in batches across worker processes, each reading its
batches through its own `cat-file --batch` one blob at a time: memory holds a few blobs (or
windows of large ones), never the history, and contents never travel between processes.
Which commit brought each flagged blob in is worked out afterwards (`attribution.py`), only
for blobs with findings.
"""
from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass

from ..engine.detector import RuleTimeout
from ..errors import HushgateError
from ..findings import Finding
from ..pipeline import ScanInterrupted, ScanResult
from .attribution import attribute
from .encoding import as_utf8, utf8_reader
from .files import BINARY_EXTENSIONS, SNIFF, WINDOW, is_binary
from .git import (display_path, git_command, git_env, git_stream, require_commit, resolve_commit,
                  revisions_on_stdin)

# A batch's ids (65 bytes at most each) fit in the pipe to cat-file, so writing them all
# before reading the first answer never blocks.
MAX_BATCH_BLOBS = 512
# git keeps up to 96 MB of delta bases per cat-file, one per worker, and fills it as history
# grows; 16 MB reads the requests history as fast and keeps memory flat.
CAT_FILE_CONFIG = ("-c", "core.deltaBaseCacheLimit=16m")
DEFAULT_MAX_BLOB = 10 << 20


@dataclass(frozen=True)
class Revisions:
    """What `rev-list` walks, and the commit whose tree counts as "now" for in_head."""
    args: tuple
    head: str | None
    stdin: tuple = ()  # more revisions (`^X` excludes), passed through --stdin


def choose_revisions(repo_dir: str, branch: str | None, since: str | None) -> Revisions:
    """All refs by default; one branch; or a CI range: what `branch` (default HEAD) has that
    `since` has not."""
    tip = require_commit(repo_dir, branch, "--branch") if branch else None
    if since:
        base = require_commit(repo_dir, since, "--since-commit")
        tip = tip or require_commit(repo_dir, "HEAD", "--since-commit needs a HEAD; HEAD")
        return Revisions((tip, "--not", base), tip)
    if tip:
        return Revisions((tip,), tip)
    return Revisions(("--all",), resolve_commit(repo_dir, "HEAD"))


@dataclass
class BlobEntry:
    blob: str
    size: int
    path: str  # one path the blob had (rev-list's); attribution finds all of them


def blob_entries(repo_dir: str, revisions: Revisions, max_size: int, skipped: dict):
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
        try:
            _cat_files[key] = subprocess.Popen(
                git_command([*CAT_FILE_CONFIG, "cat-file", "--batch"]), cwd=repo_dir, stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=git_env())
        except FileNotFoundError:
            raise HushgateError("git is not installed or not on PATH") from None
    return _cat_files[key]


def close_cat_file(repo_dir: str) -> None:
    reader = _cat_files.pop((os.getpid(), repo_dir), None)
    if reader is not None:
        reader.stdin.close()
        reader.stdout.close()
        reader.wait()


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
    reader.kill()
    reader.wait()
    return "git cat-file stopped early (corrupt or missing object?)"


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


def scan_blob(scanner, entry: BlobEntry, reader) -> list[Finding] | None:
    """Findings of one blob from the batch stream, or None when it is binary."""
    header = reader.stdout.readline().split()
    if len(header) != 3 or header[1] != b"blob":
        detail = "missing from the repository" if header[-1:] == [b"missing"] else cat_file_error(reader)
        raise HushgateError(f"cannot read blob {entry.blob} ({entry.path}): {detail}")
    if entry.size <= WINDOW:
        data = read_exactly(reader, entry.size + 1, entry)[:-1]
        return None if is_binary(data[:SNIFF]) else scanner.scan_bytes(as_utf8(data), entry.path)
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


def scan_blobs(scanner, repo_dir: str, entries, result: ScanResult, by_blob: dict, progress=None,
               jobs: int = 1) -> None:
    """Scan every blob into `result`, each one's findings into `by_blob`, in listing order."""
    from ..dist.local import ordered_map

    scanned = ordered_map(lambda batch: scan_batch(scanner, repo_dir, batch), entries, jobs,
                          weight=lambda entry: entry.size, batch_items=MAX_BATCH_BLOBS)
    try:
        for entry, (findings, error) in scanned:
            tally(result, by_blob, entry, findings, error, progress)
    finally:
        scanned.close()
        entries.close()  # ends the listing processes if we stopped early
        close_cat_file(repo_dir)


def tally(result: ScanResult, by_blob: dict, entry: BlobEntry, findings, error, progress) -> None:
    if error:
        result.error(f"{entry.path} (blob {entry.blob[:12]})", error)
    if progress:
            progress(entry.size)
    if findings is None:
        result.skip("binary")
        return
    result.files += 1
    result.bytes += entry.size
    if findings:
        by_blob[entry.blob] = findings


def scan_history(scanner, repo_dir: str, revisions: Revisions, exclude: tuple = (),
                 max_size: int = DEFAULT_MAX_BLOB, progress=None, jobs: int = 1) -> ScanResult:
    """Findings of every unique blob, attributed to the oldest commit that brought each in."""
    started = time.perf_counter()
    result = ScanResult()
    skipped_early = {}
    by_blob: dict[str, list[Finding]] = {}
    entries = blob_entries(repo_dir, revisions, max_size, skipped_early)
    try:
        scan_blobs(scanner, repo_dir, entries, result, by_blob, progress, jobs)
    except KeyboardInterrupt:
        result.findings = [finding for found in by_blob.values() for finding in found]
        raise ScanInterrupted(result) from None
    for reason, count in skipped_early.items():
        result.skip(reason, count)
    introduced = attribute(scanner, repo_dir, revisions, by_blob, exclude)
    result.findings = sorted(introduced.findings, key=Finding.sort_key)
    if introduced.excluded:
        result.skip("excluded", introduced.excluded)
    result.extra.update(commits=introduced.commits, unique_blobs_scanned=result.files,
                        blob_occurrences=introduced.occurrences)
    result.seconds = time.perf_counter() - started
    return result
