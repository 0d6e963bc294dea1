"""The scanner core: rules + detector + fingerprints, applied to bytes, files and streams."""
from __future__ import annotations

import os
import stat
import time

from .engine.detector import Detector, Limits, RuleTimeout, at_least
from .findings import Finding
from .record import Factory, record
from .sources.encoding import utf8_reader
from .sources.files import OVERLAP, SNIFF, FileEntry, Skipped, is_binary, read_windows, walk


@record
class ScanResult:
    findings: list = Factory(list)
    files: int = 0
    bytes: int = 0
    skipped: dict = Factory(dict)
    errors: list = Factory(list)
    seconds: float = 0.0
    extra: dict = Factory(dict)
    # Where the scan root sits inside its repository ("src/"), for reports that need
    # repository-relative paths (SARIF for code scanning); findings stay relative to the root.
    root_in_repo: str = ""

    def skip(self, reason: str, count: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + count

    def error(self, path: str, message: str) -> None:
        self.errors.append({"path": path, "error": message})

    def summary(self) -> dict:
        return {
            "files": self.files, "bytes": self.bytes, "findings": len(self.findings),
            "skipped": sum(self.skipped.values()), "skipped_by_reason": dict(sorted(self.skipped.items())),
            "errors": len(self.errors), "seconds": round(self.seconds, 3), **self.extra,
        }


class ScanInterrupted(KeyboardInterrupt):
    """Ctrl-C during a scan, with what was scanned until then (for a partial summary)."""

    def __init__(self, result: ScanResult):
        super().__init__()
        self.result = result


class Scanner:
    def __init__(self, ruleset, engine: str = "auto", min_confidence: str = "low",
                 fingerprint_key: bytes = b"", limits: Limits | None = None):
        self.ruleset = ruleset
        self.detector = Detector(ruleset, engine=engine, limits=limits or Limits())
        self.min_confidence = min_confidence
        self.fingerprint_key = fingerprint_key

    def scan_bytes(self, data: bytes, path: str, base_offset: int = 0, base_line: int = 1) -> list[Finding]:
        """Findings in `data`. A rule that runs out of time raises RuleTimeout once the others
        have run, carrying their findings: callers keep them and record the timeout."""
        try:
            return self.finish(self.detector.scan(data, path, base_offset, base_line))
        except RuleTimeout as exc:
            exc.findings = self.finish(exc.findings)
            raise

    def finish(self, findings: list[Finding]) -> list[Finding]:
        from .fingerprints import value_fingerprint

        kept = at_least(findings, self.min_confidence)
        for finding in kept:
            finding.fingerprint = value_fingerprint(self.fingerprint_key, finding.rule_id, finding.secret)
        return kept

    def scan_stream(self, handle, display: str) -> list[Finding]:
        """All findings of one file-like object, window by window, with bounded memory."""
        findings, seen, timed_out = [], set(), []
        for data, offset, line, column, last in read_windows(handle):
            try:
                found = self.scan_bytes(data, display, offset, line)
            except RuleTimeout as exc:  # the other windows still get every rule
                found = exc.findings
                timed_out += exc.rule_ids
            for finding in found:
                if finding.line == line and column:  # on a line that began in an earlier window
                    finding.column += column
                    finding.end_column += column
                # Matches starting in the overlap are found whole by the next window.
                if not last and finding.offset >= offset + len(data) - OVERLAP:
                    continue
                if (finding.rule_id, finding.offset) not in seen:
                    seen.add((finding.rule_id, finding.offset))
                    findings.append(finding)
        if timed_out:
            raise RuleTimeout(timed_out, findings)
        return findings

    def scan_name(self, display: str) -> list[Finding]:
        """Findings of file-name rules: they need no content, so they apply to every file."""
        return self.finish(self.detector.scan_path_name(display))

    def scan_file(self, entry: FileEntry):
        """(findings, bytes read, skip reason or None, error or None) for one file."""
        named = self.scan_name(entry.display)
        try:
            handle = open_regular_file(entry.real)
            if handle is None:  # replaced by a FIFO or device since the walk: never read one
                return named, 0, "special-file", None
            with handle:
                head = handle.read(SNIFF)
                if is_binary(head):
                    return named, 0, "binary", None
                handle.seek(0)
                findings = self.scan_stream(utf8_reader(handle, head), entry.display)
                size = handle.tell()
        except OSError as exc:
            return named, 0, "unreadable", exc.strerror or str(exc)
        except RuleTimeout as exc:
            return exc.findings + named, entry.size, None, str(exc)
        return findings + named, size, None, None

    def scan_paths(self, roots: list[str], exclude: tuple = (), max_file_size: int | None = None,
                   jobs: int | None = None) -> ScanResult:
        started = time.perf_counter()
        result = ScanResult()

        def entries():  # walked while the workers already scan the first files
            for item in walk(roots, exclude, max_file_size):
                if not isinstance(item, Skipped):
                    yield item
                    continue
                result.skip(item.reason)
                if item.reason == "unreadable":
                    result.error(item.display, item.detail)
                if item.content_unread:
                    result.findings.extend(self.scan_name(item.display))

        scanned = None
        try:
            scanned = self.map_files(entries(), jobs)
            for entry, (findings, size, skipped, error) in scanned:
                if skipped:
                    result.skip(skipped)
                else:
                    result.files += 1
                    result.bytes += size
                if error:
                    result.error(entry.display, error)
                result.findings.extend(findings)
        except KeyboardInterrupt:
            raise ScanInterrupted(result) from None
        finally:
            if scanned is not None:
                scanned.close()  # stops the worker processes now, not when garbage collected
        result.findings.sort(key=Finding.sort_key)
        result.seconds = time.perf_counter() - started
        return result

    def map_files(self, entries, jobs: int | None):
        """(entry, scan_file result) pairs in walk order, across worker processes."""
        from .dist.local import ordered_map

        return ordered_map(self.scan_files, entries, jobs=jobs or os.cpu_count() or 1, weight=lambda e: e.size)

    def scan_files(self, entries: list[FileEntry]) -> list:
        return [self.scan_file(entry) for entry in entries]


def open_regular_file(path: str):
    """A binary file object for `path`, or None when it is not a regular file. The walk already
    skipped FIFOs and devices, but one swapped in since would block a plain open() forever."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        return None
    return os.fdopen(descriptor, "rb")
