"""`hushgate pre-push [REMOTE [URL]]`: the pre-push hook; every commit the remote lacks."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .git_options import add_git_scan_options, emit_for_hook, excludes, warn


def configure(parser) -> None:
    parser.add_argument("remote", nargs="?", help="the remote's name, as git passes it to the hook")
    parser.add_argument("url", nargs="?", help="the remote's URL, as git passes it to the hook")
    add_git_scan_options(parser, hook=True)


def run(args) -> int:
    from ..errors import HushgateError
    from ..sources.git import discover
    from ..sources.push import commits_from_pre_commit, commits_to_push, parse_push_lines, scan_commits
    from .options import build_scanner

    repo = discover(".")
    repo_dir = repo.work_tree or repo.git_dir
    scanner = build_scanner(args, start=Path(repo_dir))
    commits = commits_from_pre_commit(repo_dir, os.environ)
    if commits is None:
        if sys.stdin is None or sys.stdin.isatty():
            raise HushgateError("pre-push reads the lines git gives a pre-push hook on stdin "
                                "('<local ref> <local sha> <remote ref> <remote sha>')")
        commits = commits_to_push(repo_dir, parse_push_lines(sys.stdin.read()))
    result = scan_commits(scanner, repo_dir, commits, excludes(args), warn)
    if args.remote:
        result.extra["remote"] = args.remote
    return emit_for_hook(result, args, "git push", "hushgate-push")
