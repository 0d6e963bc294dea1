"""`hushgate install [--pre-commit] [--pre-push] [--force]`: native git hooks, no framework needed."""
from __future__ import annotations


def configure(parser) -> None:
    parser.add_argument("--pre-commit", dest="kinds", action="append_const", const="pre-commit",
                        help="install the pre-commit hook (hushgate staged); the default")
    parser.add_argument("--pre-push", dest="kinds", action="append_const", const="pre-push",
                        help="install the pre-push hook (hushgate pre-push)")
    parser.add_argument("--force", action="store_true",
                        help="replace an existing hook instead of keeping it and running it first")


def run(args) -> int:
    from ..hooks import install
    from ..sources.git import discover

    repo = discover(".")
    kinds = args.kinds or ["pre-commit"]
    if "pre-commit" in kinds:
        repo.require_work_tree("the pre-commit hook")
    for kind in dict.fromkeys(kinds):
        print(f"hushgate: {install(repo.work_tree or repo.git_dir, kind, args.force)}")
    return 0
