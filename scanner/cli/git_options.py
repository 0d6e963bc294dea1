"""What the git commands (staged, pre-push, history) share beyond `scan`'s options."""
from __future__ import annotations

import os
import sys

from .options import add_scan_options, emit


def add_git_scan_options(parser, hook: bool = False) -> None:
    add_scan_options(parser)
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="skip paths matching GLOB (repeatable)")
    if hook:
        parser.add_argument("-v", "--verbose", action="store_true",
                            help="print the summary even when nothing is found (hooks stay quiet by default)")


def excludes(args) -> tuple:
    return tuple(args.exclude) + tuple(args.project_config.exclude)


def warn(message: str) -> None:
    from ..report.text import escape_control

    print(f"hushgate: note: {escape_control(message)}", file=sys.stderr)


def emit_for_hook(result, args, git_command: str, hook_id: str) -> int:
    """`emit`, silent on the console when clean; when it blocks, how to get past it honestly.
    `git_command` is what the hook guards ("git commit"), `hook_id` its pre-commit framework id."""
    code = emit(result, args, quiet_when_clean=not args.verbose)
    if code != 1:
        return code
    bypass = f"{git_command} --no-verify"
    if os.environ.get("PRE_COMMIT") == "1":  # run by the pre-commit framework: skip just this hook
        bypass = f"SKIP={hook_id} {git_command} (or {bypass}, which skips every hook)"
    print("hushgate: blocked: remove the secret (and rotate it if it ever left this machine).", file=sys.stderr)
    if args.format != "console":  # the console report already says how to allow one
        print("hushgate: a false positive? Mark its line with a `hushgate:allow` comment, or baseline it.",
              file=sys.stderr)
    print(f"hushgate: to bypass this check once, on your own responsibility: {bypass}", file=sys.stderr)
    return code
