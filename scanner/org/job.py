"""One repository in an org scan: what is new in it, and, once its blobs are scanned, where
each finding occurs (commit, path, line, still in HEAD)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ..sources.git import display_path
from ..sources.org import RepoRef
from ..sources.repo_state import NewHistory, RefState
from ..store import scans
from ..store.scans import Occurrence

BATCH_BLOBS = 256
BATCH_BYTES = 8 << 20


def state_key(refs: RefState, identity: str, exclude: tuple) -> str:
    """Equal keys: same refs, same rules, same excludes, so the last results still hold."""
    return hashlib.sha256("\0".join((refs.digest, identity, *exclude)).encode()).hexdigest()


@dataclass(eq=False)
class RepoJob:
    ref: RepoRef
    repo_id: int
    repo_dir: str
    refs: RefState
    state_key: str
    graph: dict
    history: NewHistory | None = None
    pending: set = field(default_factory=set)  # futures of batches this repository waits for
    borrowed: dict = field(default_factory=dict)  # future of another repository's batch -> our entries in it
    failed: bool = False
    skipped: dict = field(default_factory=dict)  # reason -> blobs listed but not read
    roots: frozenset = field(init=False)

    def __post_init__(self):
        self.roots = frozenset(commit for commit, parents in self.graph.items() if not parents)


def batches(entries: list):
    """Blob batches small enough to lose little to a crash, big enough to keep workers busy."""
    batch, size = [], 0
    for entry in entries:
        if batch and (len(batch) >= BATCH_BLOBS or size + entry.size > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(entry)
        size += entry.size
    if batch:
        yield batch


def occurrences_of(job: RepoJob, connection, ruleset: int, scanner, flagged: set, exclude: tuple):
    """(commits walked now, introductions found now, every occurrence in the repository)."""
    from ..sources.attribution import head_entries, walk_history
    from ..sources.files import is_excluded

    walked_now, found_now = [], []
    if job.history.walk is not None:
        walk = walk_history(scanner, job.repo_dir, job.history.walk, flagged, every=True)
        found_now = [(commit, blob or "", raw, author, date) for blob, raw, (commit, author, date) in walk.every]
        walked_now = list(job.history.commits)
    fresh = set(job.history.commits)
    earlier = scans.introductions_in(connection, ruleset, [c for c in job.graph if c not in fresh])
    introductions = sorted(set(earlier) | set(found_now))
    content = [i for i in introductions if i[1]]
    loose = [(oid, refname) for oid, refname in job.refs.loose if oid in flagged]
    findings = scans.findings_of_blobs(connection, ruleset, sorted({i[1] for i in content} | {o for o, _ in loose}))
    named_paths = {raw for _, blob, raw, _, _ in introductions if not blob}
    pairs, present = head_entries(job.repo_dir, job.refs.head, {i[1] for i in content}, named_paths)
    rows, names = [], {}
    for commit, blob, raw, author, date in introductions:
        path = display_path(raw)
        if is_excluded(path, exclude):
            continue
        if blob:
            rows += [Occurrence(fp, rule_id, preview, blob, path, commit, author, date, line, col, end_col,
                                confidence, entropy, decoded, (blob, raw) in pairs)
                     for rule_id, fp, line, col, end_col, preview, entropy, confidence, decoded in findings.get(blob, ())]
        else:
            if path not in names:
                names[path] = scanner.scan_name(path)
            rows += [Occurrence(f.fingerprint, f.rule_id, f.secret_preview, "", path, commit, author, date, 0, 0, 0,
                                f.confidence, 0.0, "", raw in present) for f in names[path]]
    for oid, refname in loose:  # a ref pointing straight at a blob: no commit brought it in
        rows += [Occurrence(fp, rule_id, preview, oid, refname, "", "", "", line, col, end_col, confidence,
                            entropy, decoded, False)
                 for rule_id, fp, line, col, end_col, preview, entropy, confidence, decoded in findings.get(oid, ())]
    return walked_now, found_now, rows
