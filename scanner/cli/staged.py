"""`hushgate staged [FILE ...]`: what the pre-commit hook runs; only the lines the index adds."""
from __future__ import annotations

from pathlib import Path

from .git_options import add_git_scan_options, emit_for_hook, excludes, warn
from .options import jobs, size


def configure(parser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="only these files (as the pre-commit framework passes them); a given file "
                             "without staged changes is scanned whole")
    add_git_scan_options(parser, hook=True)
    parser.add_argument("--max-file-size", type=size, default=None, metavar="SIZE",
                        help="skip given files larger than SIZE when scanned whole")


def run(args) -> int:
    from ..sources.git import Discovery

    discovery = Discovery(".")  # git finds the repository while the scanner is imported
    from ..sources.staged import scan_staged, staged_changes
    from .options import build_scanner

    repo = discovery.repo()
    work_tree = repo.require_work_tree("hushgate staged")
    with staged_changes(repo) as changes:  # git diffs the index while the rules load
        scanner = build_scanner(args, start=Path(work_tree))
        result = scan_staged(scanner, repo, changes, args.files, excludes(args),
                             args.max_file_size or args.project_config.max_file_size, jobs(args), warn)
    return emit_for_hook(result, args, "git commit", "hushgate")
