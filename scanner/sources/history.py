"""History source: what each commit brought in, every blob read once and scanned where it is new.

One walk over the chosen commits, oldest first (`attribution.changes`), names each file version
and the one it replaced; `history_parts` deals the paths out to worker processes, which read each
blob once and scan the lines its predecessor lacked (all of it for a new path). A finding thus
belongs to the commit that brought the secret in, at the path it came in at: one finding per
path and secret, however many later versions keep it. Whether it is still there at the end is
decided by scanning the head's version of each path that has findings.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from itertools import chain, islice

from ..dist.local import can_fork
from ..findings import Finding
from ..pipeline import ScanInterrupted, ScanResult
from .attribution import Walk, changes, nul_tokens
from .blobs import DEFAULT_MAX_BLOB, BlobEntry, blob_entries, scan_entries
from .files import is_excluded
from .git import display_path, git_stream, require_commit, resolve_commit, run_git
from .history_parts import Attribution, in_parts, scan_part

SMALL_HISTORY = 1000  # file versions


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


def scan_history(scanner, repo_dir: str, revisions: Revisions, exclude: tuple = (),
                 max_size: int = DEFAULT_MAX_BLOB, progress=None, jobs: int = 1) -> ScanResult:
    """Findings of what each walked commit brought in, attributed to the oldest such commit."""
    started = time.perf_counter()
    walk = Walk()
    walked = changes(scanner, repo_dir, revisions, walk)
    first = list(islice(walked, SMALL_HISTORY))  # a history this short is over before workers start
    walked = chain(first, walked)
    try:
        if jobs > 1 and len(first) == SMALL_HISTORY and can_fork():
            parts = in_parts(scanner, repo_dir, walked, exclude, max_size, progress, jobs)
        else:
            parts = [scan_part(scanner, repo_dir, walked, exclude, max_size, progress)]
    except KeyboardInterrupt:
        raise ScanInterrupted(ScanResult(seconds=time.perf_counter() - started)) from None
    result, attribution = ScanResult(), Attribution()
    for part, found in parts:
        result.files += part.files
        result.bytes += part.bytes
        result.errors += part.errors
        for reason, count in part.skipped.items():
            result.skip(reason, count)
        attribution.kept.update(found.kept)  # parts never share a path, so never a key
    for raw_path, (info, named) in walk.named.items():
        if not is_excluded(display_path(raw_path), exclude):
            attribution.keep(named, raw_path, info)
    for entry, found in commitless(scanner, repo_dir, revisions, exclude, max_size, result):
        attribution.keep(found, entry.path.encode(), (None, None, None))
    result.findings = sorted(with_in_head(scanner, repo_dir, revisions.head, attribution.kept), key=Finding.sort_key)
    result.extra.update(commits=walk.commits, unique_blobs_scanned=result.files, blob_occurrences=walk.occurrences)
    result.seconds = time.perf_counter() - started
    return result


def commitless(scanner, repo_dir: str, revisions: Revisions, exclude: tuple, max_size: int, result) -> list:
    """(entry, findings) of blobs that refs reach without any commit (a tag of a tree or of a blob, as
    projects do to publish a signing key): no walked commit brings them in, so they are read
    here, whole. Only for a scan of every ref."""
    if revisions.args != ("--all",):
        return []
    tips, commits, named = [], [], {}
    listing = run_git(["for-each-ref", "--format=%(objecttype) %(*objecttype) %(objectname) %(*objectname) %(refname)"],
                      cwd=repo_dir)
    for line in listing.splitlines():
        kind, peeled, name, peeled_name, ref = line.decode("utf-8", "replace").split(" ", 4)
        (tips if (peeled or kind) in ("tree", "blob") else commits).append(ref)
        if (peeled or kind) == "blob":
            named[peeled_name or name] = ref  # a blob tagged directly has no path: the tag names it
    if not tips:
        return []
    skipped: dict = {}
    entries = list(blob_entries(repo_dir, Revisions(tuple(tips), None, tuple(f"^{ref}" for ref in commits)),
                                max_size, skipped))
    for reason, count in skipped.items():
        result.skip(reason, count)
    entries = [replace(entry, path=named.get(entry.blob, entry.path)) for entry in entries]
    found = []
    for entry, findings, error in scan_entries(scanner, repo_dir, [e for e in entries if not is_excluded(e.path, exclude)]):
        if error:
            result.error(f"{entry.path} (blob {entry.blob[:12]})", error)
        if findings is None:
            result.skip("binary")
            continue
        result.files += 1
        result.bytes += entry.size
        found.append((entry, findings))
    return found


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
    scanned = scan_entries(scanner, repo_dir, [entry for _, entry in entries])
    for (raw_path, _), (_, findings, _) in zip(entries, scanned):
        at_head.update((raw_path, f.rule_id, f.fingerprint) for f in findings or ())
    found = []
    for finding, raw_path in kept.values():
        key = (raw_path, None, None) if finding.line == 0 else (raw_path, finding.rule_id, finding.fingerprint)
        finding.in_head = key in at_head
        found.append(finding)
    return found
