"""`hushgate history [REPO]`: every blob of every ref (or a branch, or a CI range), scanned once."""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from .git_options import add_git_scan_options, excludes, warn
from .options import emit, jobs, size


def configure(parser) -> None:
    parser.add_argument("repo", nargs="?", default=".", metavar="REPO",
                        help="repository to scan, with or without a work tree (default: .)")
    parser.add_argument("--branch", metavar="REF", help="only the history reachable from REF (default: all refs)")
    parser.add_argument("--since-commit", metavar="SHA",
                        help="only commits after SHA, up to --branch or HEAD: a pull request's range in CI")
    add_git_scan_options(parser)
    parser.add_argument("--max-file-size", type=size, default=None, metavar="SIZE",
                        help="skip blobs larger than SIZE, counted in the summary (default: 10M)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar, even on a terminal")


def run(args) -> int:
    from ..sources.git import discover
    from ..sources.history import DEFAULT_MAX_BLOB, choose_revisions, scan_history
    from .options import build_scanner

    repo = discover(args.repo)
    repo_dir = repo.work_tree or repo.git_dir
    scanner = build_scanner(args, start=Path(repo_dir))
    revisions = choose_revisions(repo_dir, args.branch, args.since_commit)
    if repo.shallow:
        warn("shallow clone: scanning only the commits it holds (git fetch --unshallow for all of them)")
    max_size = args.max_file_size or args.project_config.max_file_size or DEFAULT_MAX_BLOB
    with progress_bar(not args.no_progress and shows_progress(sys.stderr)) as progress:
        result = scan_history(scanner, repo_dir, revisions, excludes(args), max_size, progress, jobs(args))
    return emit(result, args)


def shows_progress(stream) -> bool:
    return stream.isatty() and os.environ.get("TERM") != "dumb"


@contextmanager
def progress_bar(enabled: bool):
    """A callback counting blobs and bytes read (`advance(size, blobs=1)`), drawn by rich on the
    terminal; None when piped."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("scanning history: {task.fields[blobs]:,} blobs, "
                                           "{task.fields[mb]:.1f} MB, {task.fields[rate]:.1f} MB/s"),
               TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("history", total=None, blobs=0, mb=0.0, rate=0.0)
        started, seen, last = time.monotonic(), [0, 0], [0.0]

        def advance(size: int, blobs: int = 1) -> None:
            seen[0] += blobs
            seen[1] += size
            now = time.monotonic()
            if now - last[0] > 0.1:
                last[0] = now
                mb = seen[1] / (1 << 20)
                bar.update(task, blobs=seen[0], mb=mb, rate=mb / max(now - started, 1e-6))

        yield advance
