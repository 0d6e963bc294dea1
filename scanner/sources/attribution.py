"""The commit walk: which commit brought each file version in, at which path, replacing what.

One streamed pass over `git diff-tree --raw` of every walked commit, oldest first (parents
before children), diffed against each parent so blobs that only a merge brings in are seen too.
The same pass counts blob occurrences (files across all commits: a commit's count is its first
parent's plus what it adds minus what it removes), which is what scanning commit by commit
would have cost.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .git import display_path, git_stream, revisions_on_stdin, run_git

HEADER = b"\x01"
FORMAT = "--format=%x01%H %P%x02%an <%ae>%x02%aI"
CHUNK = 1 << 16


def is_blob_mode(mode: bytes) -> bool:
    """Regular files and symlinks; not trees, submodules (160000) or absence (000000)."""
    return mode.startswith((b"100", b"120"))


def nul_tokens(stream):
    rest = b""
    while chunk := stream.read(CHUNK):
        parts = (rest + chunk).split(b"\0")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


@dataclass
class Walk:
    introduced: dict = field(default_factory=dict)  # (blob, raw path) -> (commit, author, date), oldest first
    named: dict = field(default_factory=dict)  # raw path -> ((commit, author, date), file-name findings)
    occurrences: int = 0
    commits: int = 0
    # When asked: every (blob, or None for a file-name finding; raw path; commit info) a walked
    # commit brings in, not just the oldest, so an org scan can hand them to forks sharing commits.
    every: list | None = None


def changes(scanner, repo_dir: str, revisions, walk: Walk):
    """(blob, the blob it replaced or None, raw path, commit info) for every file version the
    walked commits bring in, oldest commit first; counts commits and occurrences into `walk`,
    and runs the file-name rules on each path the first time it is added."""
    counts: dict[str, int] = {}
    seen_paths: set = set()
    commit, info, first_block, count, meta = None, None, False, 0, None
    lister = ["rev-list", "--reverse", "--date-order", *revisions.args]
    differ = ["diff-tree", "--stdin", "-m", "-r", "--root", "--always", "--raw", "-z", "--no-renames",
              "--no-abbrev", FORMAT]
    with revisions_on_stdin(revisions.stdin) as (extra, listed), \
            git_stream([*lister, *extra, "--"], cwd=repo_dir, stdin=listed) as commits, \
            git_stream(differ, cwd=repo_dir, stdin=commits.stdout) as diffs:
        commits.stdout.close()
        for token in nul_tokens(diffs.stdout):
            token = token.lstrip(b"\n")
            if token.startswith(HEADER):
                ids, author, date = token[1:].decode("utf-8", "replace").split("\x02", 2)
                this, *parents = ids.split()
                first_block = this != commit
                if first_block:
                    if commit is not None:
                        counts[commit] = count
                        walk.occurrences += count
                    walk.commits += 1
                    commit, info = this, (this, author, date)
                    count = blob_count(repo_dir, parents[0], counts) if parents else 0
            elif token.startswith(b":"):
                meta = token
            elif meta is not None:
                old_mode, new_mode, old_blob, new_blob, status = meta[1:].split(b" ")
                meta = None
                if first_block:
                    count += is_blob_mode(new_mode) - is_blob_mode(old_mode)
                if not is_blob_mode(new_mode):
                    continue
                if status == b"A" and token not in seen_paths:
                    seen_paths.add(token)
                    named = scanner.scan_name(display_path(token))
                    if named:
                        walk.named[token] = (info, named)
                if walk.every is not None and token in walk.named and status == b"A":
                    walk.every.append((None, token, info))
                yield new_blob.decode(), old_blob.decode() if is_blob_mode(old_mode) else None, token, info
    if commit is not None:
        walk.occurrences += count


def walk_history(scanner, repo_dir: str, revisions, flagged: set, every: bool = False) -> Walk:
    """The walk, recording where the `flagged` blobs were brought in."""
    walk = Walk(every=[] if every else None)
    for blob, _, raw_path, info in changes(scanner, repo_dir, revisions, walk):
        if blob in flagged:
            walk.introduced.setdefault((blob, raw_path), info)
            if walk.every is not None:
                walk.every.append((blob, raw_path, info))
    return walk


def blob_count(repo_dir: str, commit: str, counts: dict) -> int:
    """Files in a commit's tree: known from the walk, or counted (a parent outside the range)."""
    if commit not in counts:
        listing = run_git(["ls-tree", "-r", "-z", "--full-tree", commit], cwd=repo_dir)
        counts[commit] = sum(1 for entry in listing.split(b"\0") if is_blob_mode(entry[:6]))
    return counts[commit]


def head_entries(repo_dir: str, head: str | None, blobs: set, paths: set) -> tuple[set, set]:
    """(blob, raw path) pairs among `blobs` and raw paths among `paths` present in head's tree."""
    pairs, present = set(), set()
    if head is None or not (blobs or paths):
        return pairs, present
    with git_stream(["ls-tree", "-r", "-z", "--full-tree", head], cwd=repo_dir) as listing:
        for entry in nul_tokens(listing.stdout):
            info, _, path = entry.partition(b"\t")
            blob = info.rsplit(b" ", 1)[-1].decode()
            if blob in blobs:
                pairs.add((blob, path))
            if path in paths:
                present.add(path)
    return pairs, present
