"""Staged source: the lines the index adds over HEAD, as the next commit would record them.

Reads the index (never the working tree), so unstaged edits are invisible; on an unborn branch
the base is the empty tree. Inside a hook git points GIT_INDEX_FILE at the index being
committed, and the git calls inherit it.
"""
from __future__ import annotations

import os
import time
from contextlib import contextmanager

from ..findings import Finding
from ..pipeline import ScanResult
from .diff import parse_patches, scan_change
from .git import SAFE_DIFF, Repo, empty_tree, git_stream


@contextmanager
def staged_changes(repo: Repo):
    """FileChange for every file the index changes (deletions left out), as they are read. git
    starts on entry, so it diffs the index while the caller loads its rules."""
    base = repo.head or empty_tree(repo.work_tree)
    args = ["diff-index", "--cached", "-p", "-U0", "-M", "--diff-filter=d", "--submodule=short",
            *SAFE_DIFF, base, "--"]
    with git_stream(args, cwd=repo.work_tree) as process:
        yield (item for item in parse_patches(process.stdout) if not isinstance(item, bytes))


def repo_relative(name: str, work_tree: str) -> str:
    """A file name as given on the command line, relative to the top of the work tree."""
    absolute = os.path.abspath(name)
    folder = os.path.realpath(os.path.dirname(absolute))
    return os.path.relpath(os.path.join(folder, os.path.basename(absolute)), work_tree).replace(os.sep, "/")


def scan_staged(scanner, repo: Repo, changes, files: list[str] = (), exclude: tuple = (),
                max_file_size: int | None = None, jobs: int = 1, warn=lambda message: None) -> ScanResult:
    """Findings on the staged added lines (`changes`, from staged_changes) of a repository with a
    work tree; with `files`, only those, and a given file that the index does not change (as
    `pre-commit run --all-files` passes them) is scanned whole."""
    started = time.perf_counter()
    result = ScanResult()
    work_tree = repo.work_tree
    wanted = {repo_relative(name, work_tree): name for name in files}
    changed = set()
    for change in changes:
        path = change.path
        changed.add(path)
        if wanted and path not in wanted:
            continue
        result.findings.extend(scan_change(scanner, change, result, work_tree, None, exclude, warn))
    whole = [name for path, name in wanted.items() if path not in changed]
    if whole:
        merge(result, scanner.scan_paths(whole, exclude, max_file_size, jobs))
    result.extra["staged_files"] = len(changed)
    result.findings.sort(key=Finding.sort_key)
    result.seconds = time.perf_counter() - started
    return result


def merge(into: ScanResult, other: ScanResult) -> None:
    into.findings.extend(other.findings)
    into.files += other.files
    into.bytes += other.bytes
    into.errors.extend(other.errors)
    for reason, count in other.skipped.items():
        into.skip(reason, count)
