"""`hushgate uninstall [--pre-commit] [--pre-push]`: remove hushgate's native hooks, and only those."""
from __future__ import annotations


def configure(parser) -> None:
    parser.add_argument("--pre-commit", dest="kinds", action="append_const", const="pre-commit",
                        help="remove only the pre-commit hook")
    parser.add_argument("--pre-push", dest="kinds", action="append_const", const="pre-push",
                        help="remove only the pre-push hook")


def run(args) -> int:
    from ..hooks import HOOKS, uninstall
    from ..sources.git import discover

    repo = discover(".")
    for kind in dict.fromkeys(args.kinds or HOOKS):
        done = uninstall(repo.work_tree or repo.git_dir, kind)
        print(f"hushgate: {done or f'no hushgate {kind} hook here; nothing removed'}")
    return 0
