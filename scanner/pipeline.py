"""The scanner core: rules + detector + fingerprints, applied to bytes, files and streams."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from .engine.detector import Detector, RuleTimeout, at_least
from .findings import Finding
from .sources.files import OVERLAP, FileEntry, Skipped, is_binary, read_windows, walk


@dataclass
class ScanResult:
    findings: list = field(default_factory=list)
    files: int = 0
    bytes: int = 0
    skipped: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)

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


class Scanner:
    def __init__(self, ruleset, engine: str = "auto", min_confidence: str = "low",
                 fingerprint_key: bytes = b""):
        self.ruleset = ruleset
        self.detector = Detector(ruleset, engine=engine)
        self.min_confidence = min_confidence
        self.fingerprint_key = fingerprint_key

    def scan_bytes(self, data: bytes, path: str, base_offset: int = 0, base_line: int = 1) -> list[Finding]:
        return self.finish(self.detector.scan(data, path, base_offset, base_line))

    def finish(self, findings: list[Finding]) -> list[Finding]:
        from .fingerprints import value_fingerprint

        kept = at_least(findings, self.min_confidence)
        for finding in kept:
            finding.fingerprint = value_fingerprint(self.fingerprint_key, finding.rule_id, finding.secret)
        return kept

    def scan_stream(self, handle, display: str) -> list[Finding]:
        """All findings of one file-like object, window by window, with bounded memory."""
        findings, seen = [], set()
        for data, offset, line, last in read_windows(handle):
            for finding in self.scan_bytes(data, display, offset, line):
                # Matches starting in the overlap are found whole by the next window.
                if not last and finding.offset >= offset + len(data) - OVERLAP:
                    continue
                if (finding.rule_id, finding.offset) not in seen:
                    seen.add((finding.rule_id, finding.offset))
                    findings.append(finding)
        return findings

    def scan_name(self, display: str) -> list[Finding]:
        """Findings of file-name rules: they need no content, so they apply to every file."""
        return self.finish(self.detector.scan_path_name(display))

    def scan_file(self, entry: FileEntry):
        """(findings, bytes read, skip reason or None, error or None) for one file."""
        named = self.scan_name(entry.display)
        try:
            with open(entry.real, "rb") as handle:
                if is_binary(handle.read(8192)):
                    return named, 0, "binary", None
                handle.seek(0)
                findings = self.scan_stream(handle, entry.display)
                size = handle.tell()
        except OSError as exc:
            return named, 0, "unreadable", exc.strerror or str(exc)
        except RuleTimeout as exc:
            return named, 0, None, str(exc)
        return findings + named, size, None, None

    def scan_paths(self, roots: list[str], exclude: tuple = (), max_file_size: int | None = None,
                   jobs: int | None = None) -> ScanResult:
        started = time.perf_counter()
        result = ScanResult()
        entries = []
        for item in walk(roots, exclude, max_file_size):
            if isinstance(item, Skipped):
                result.skip(item.reason)
                if item.reason == "unreadable":
                    result.error(item.display, item.detail)
                if item.content_unread:
                    result.findings.extend(self.scan_name(item.display))
            else:
                entries.append(item)
        for entry, (findings, size, skipped, error) in self.map_files(entries, jobs):
            if skipped:
                result.skip(skipped)
            else:
                result.files += 1
                result.bytes += size
            if error:
                result.error(entry.display, error)
            result.findings.extend(findings)
        result.findings.sort(key=Finding.sort_key)
        result.seconds = time.perf_counter() - started
        return result

    def map_files(self, entries: list[FileEntry], jobs: int | None):
        """(entry, scan_file result) pairs in walk order, across worker processes."""
        from .dist.local import ordered_map

        return ordered_map(self.scan_files, entries, jobs=jobs or os.cpu_count() or 1, weight=lambda e: e.size)

    def scan_files(self, entries: list[FileEntry]) -> list:
        return [self.scan_file(entry) for entry in entries]
