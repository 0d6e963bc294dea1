"""History source: every blob reachable from the chosen commits, each read and scanned once.

`git rev-list --objects` names each object once however many commits share it, so a file that
stays the same across 1,000 commits is one blob and one scan. `cat-file --batch-check` sizes
them without reading; `cat-file --batch` streams the contents one blob at a time, so memory
holds one blob (or one window of a large one), never the history. Which commit brought each
flagged blob in is worked out afterwards (`attribution.py`), only for blobs with findings.
"""
from __future__ import annotations

import queue
import subprocess
import threading
import time
from dataclasses import dataclass

from ..engine.detector import RuleTimeout
from ..errors import HushgateError
from ..findings import Finding
from ..pipeline import ScanInterrupted, ScanResult
from .attribution import attribute
from .encoding import as_utf8, utf8_reader
from .files import BINARY_EXTENSIONS, SNIFF, WINDOW, is_binary
from .git import display_path, git_stream, require_commit, resolve_commit, revisions_on_stdin

QUEUE_SIZE = 256
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


class BlobStream:
    """`git cat-file --batch` fed from a thread: contents arrive in the order entries go in."""

    def __init__(self, repo_dir: str, entries):
        self.entries = entries
        self.pending: queue.Queue = queue.Queue(QUEUE_SIZE)
        self.stopped = threading.Event()
        self.repo_dir = repo_dir

    def __iter__(self):
        with git_stream(["cat-file", "--batch"], cwd=self.repo_dir, stdin=subprocess.PIPE) as reader:
            feeder = threading.Thread(target=self.feed, args=(reader.stdin,), daemon=True)
            feeder.start()
            finished = False
            try:
                while (entry := self.pending.get()) is not None:
                    if isinstance(entry, BaseException):
                        raise entry
                    yield entry, reader
                finished = True
            finally:
                if not finished:  # stop the feeder, even one blocked on a full pipe or queue
                    self.stopped.set()
                    reader.kill()
                    while feeder.is_alive():
                        try:
                            self.pending.get(timeout=0.05)
                        except queue.Empty:
                            pass
            feeder.join()

    def feed(self, stdin) -> None:
        try:
            for entry in self.entries:
                if self.stopped.is_set():
                    return
                stdin.write(f"{entry.blob}\n".encode())
                stdin.flush()  # cat-file answers each line at once; it must see it now
                self.pending.put(entry)
            stdin.close()
            self.pending.put(None)
        except BrokenPipeError:
            self.pending.put(None)  # cat-file died; the reader reports why
        except BaseException as exc:  # noqa: BLE001 - handed to the reading thread
            self.pending.put(exc)
        finally:
            self.entries.close()  # ends the listing processes if we stopped early


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


def scan_blobs(scanner, blobs: BlobStream, result: ScanResult, by_blob: dict, progress=None) -> None:
    """Scan every blob of the stream into `result`, each one's findings into `by_blob`."""
    for entry, reader in blobs:
        try:
            findings = scan_blob(scanner, entry, reader)
        except RuleTimeout as exc:
            result.error(f"{entry.path} (blob {entry.blob[:12]})", str(exc))
            findings = exc.findings
        if progress:
            progress(entry.size)
        if findings is None:
            result.skip("binary")
            continue
        result.files += 1
        result.bytes += entry.size
        if findings:
            by_blob[entry.blob] = findings


def scan_history(scanner, repo_dir: str, revisions: Revisions, exclude: tuple = (),
                 max_size: int = DEFAULT_MAX_BLOB, progress=None) -> ScanResult:
    """Findings of every unique blob, attributed to the oldest commit that brought each in."""
    started = time.perf_counter()
    result = ScanResult()
    skipped_early = {}
    by_blob: dict[str, list[Finding]] = {}
    entries = blob_entries(repo_dir, revisions, max_size, skipped_early)
    try:
        scan_blobs(scanner, BlobStream(repo_dir, entries), result, by_blob, progress)
    except KeyboardInterrupt:
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
