"""History source: what each commit brought in, every blob read once and scanned where it is new.

One walk over the chosen commits, oldest first (`attribution.changes`), names each file version
and the one it replaced; `versions.VersionReader` reads each blob once and keeps the lines its
predecessor lacked (all of it for a new path), and worker processes scan those. A finding thus
belongs to the commit that brought the secret in, at the path it came in at: one finding per
path and secret, however many later versions keep it. Whether it is still there at the end is
decided by scanning the head's version of each path that has findings.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from ..engine.detector import RuleTimeout
from ..findings import Finding
from ..pipeline import ScanInterrupted, ScanResult
from .attribution import Walk, changes, nul_tokens
from .blobs import DEFAULT_MAX_BLOB, MAX_BATCH_BLOBS, BlobEntry, close_cat_file, scan_batch
from .files import is_excluded
from .git import display_path, git_stream, require_commit, resolve_commit
from .versions import VersionReader



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


def scan_pieces(scanner, pieces: list) -> list:
    """(findings, error or None) of each piece: the worker side."""
    return [scan_piece(scanner, piece) for piece in pieces]


def scan_piece(scanner, piece) -> tuple[list, str | None]:
    if piece.found is not None:
        return piece.found, piece.error
    findings, error = [], None
    for offset, line, data, new_start, new_end in piece.runs:
        try:
            found = scanner.scan_bytes(data, piece.path, offset, line)
        except RuleTimeout as exc:
            found, error = exc.findings, error or str(exc)
        findings += [f for f in found if f.offset < new_end and f.offset + len(f.secret.encode()) > new_start]
    return findings, error


class Attribution:
    """Findings per (path, rule, secret) at the oldest commit, as scan results come back in walk
    order. A blob met again (a copy, a revert, a merge) takes the findings of its one scan; one
    whose scan is still out waits for it."""

    def __init__(self):
        self.kept: dict = {}  # (path, rule id, fingerprint) -> (finding, raw path)
        self.found: dict = {}  # blob -> findings of its scan, for blobs that have some
        self.waiting: dict = {}  # blob -> [(raw path, info)] met while its scan was out

    def seen(self, blob: str, raw_path: bytes, info: tuple) -> None:
        if blob in self.found:
            self.keep(self.found[blob], raw_path, info)
        elif blob in self.waiting:
            self.waiting[blob].append((raw_path, info))

    def sent(self, blob: str) -> None:
        self.waiting.setdefault(blob, [])

    def done(self, piece, findings: list) -> None:
        if findings:
            self.found[piece.blob] = findings
        for raw_path, info in [(piece.raw_path, piece.info), *self.waiting.pop(piece.blob, [])]:
            self.keep(findings, raw_path, info)

    def keep(self, findings: list, raw_path: bytes, info: tuple) -> None:
        commit, author, date = info
        path = display_path(raw_path)
        for finding in findings:
            key = (path, finding.rule_id, finding.fingerprint)
            if key not in self.kept:
                self.kept[key] = (finding.replace(path=path, commit=commit, author=author, date=date), raw_path)


def scan_history(scanner, repo_dir: str, revisions: Revisions, exclude: tuple = (),
                 max_size: int = DEFAULT_MAX_BLOB, progress=None, jobs: int = 1) -> ScanResult:
    """Findings of what each walked commit brought in, attributed to the oldest such commit."""
    from ..dist.local import ordered_map

    started = time.perf_counter()
    result, walk, attribution = ScanResult(), Walk(), Attribution()
    reader = VersionReader(scanner, repo_dir, exclude, max_size, result, progress)

    def wanted():
        for item in reader.wanted(changes(scanner, repo_dir, revisions, walk), attribution.seen):
            attribution.sent(item.blob)
            yield item

    scanned = ordered_map(lambda batch: scan_pieces(scanner, batch), reader.pieces(wanted()), jobs,
                          weight=lambda piece: piece.weight())
    try:
        for piece, (findings, error) in scanned:
            if error:
                result.error(f"{piece.path} (blob {piece.blob[:12]})", error)
            attribution.done(piece, findings)
    except KeyboardInterrupt:
        result.findings = [finding for finding, _ in attribution.kept.values()]
        raise ScanInterrupted(result) from None
    finally:
        scanned.close()  # the workers hold copies of cat-file's pipes: they go first
        close_cat_file(repo_dir)
    for raw_path, (info, named) in walk.named.items():
        if not is_excluded(display_path(raw_path), exclude):
            attribution.keep(named, raw_path, info)
    result.findings = sorted(with_in_head(scanner, repo_dir, revisions.head, attribution.kept), key=Finding.sort_key)
    result.extra.update(commits=walk.commits, unique_blobs_scanned=result.files, blob_occurrences=walk.occurrences)
    result.seconds = time.perf_counter() - started
    return result


def with_in_head(scanner, repo_dir: str, head: str | None, kept: dict) -> list[Finding]:
    """The kept findings, each with in_head: the head's version of its path still holds it (for
    a file-name finding, line 0: the path is still there)."""
    paths = {raw_path for _, raw_path in kept.values()}
    at_head, entries = set(), []
    if head is not None and paths:
        with git_stream(["ls-tree", "-r", "-z", "-l", "--full-tree", head], cwd=repo_dir) as listing:
            for entry in nul_tokens(listing.stdout):
                meta, _, raw_path = entry.partition(b"\t")
                _, kind, blob, size = meta.split()
                if raw_path in paths and kind == b"blob":
                    at_head.add((raw_path, None, None))
                    entries.append((raw_path, BlobEntry(blob.decode(), int(size), display_path(raw_path))))
    try:
        for first in range(0, len(entries), MAX_BATCH_BLOBS):
            batch = entries[first:first + MAX_BATCH_BLOBS]
            for (raw_path, _), (findings, _) in zip(batch, scan_batch(scanner, repo_dir, [e for _, e in batch])):
                at_head.update((raw_path, f.rule_id, f.fingerprint) for f in findings or ())
    finally:
        close_cat_file(repo_dir)
    found = []
    for finding, raw_path in kept.values():
        key = (raw_path, None, None) if finding.line == 0 else (raw_path, finding.rule_id, finding.fingerprint)
        finding.in_head = key in at_head
        found.append(finding)
    return found
