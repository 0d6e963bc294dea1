"""Entry point: build the argument parser from one module per subcommand and dispatch."""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from .. import __version__
from ..errors import HushgateError

# One line per subcommand: (name, module in scanner.cli, help).
COMMANDS = [
    ("scan", "scan", "scan files and directories (or - for stdin)"),
    ("rules", "rules", "list, test and compile rule packs"),
    ("baseline", "baseline", "accept current findings once (create) and drop the ones gone (prune)"),
    ("staged", "staged", "scan the lines added in the index (the pre-commit hook)"),
    ("pre-push", "pre_push", "scan every commit a push sends (the pre-push hook)"),
    ("history", "history", "scan every blob in git history once, with commit attribution"),
    ("install", "install", "install native git hooks (pre-commit, pre-push)"),
    ("uninstall", "uninstall", "remove hushgate's native git hooks"),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hushgate",
        description="Find secrets before they leak: files, staged changes, pushes and git history.",
        epilog="Exit codes: 0 no findings, 1 findings, 2 usage or runtime error.",
    )
    parser.add_argument("--version", action="version", version=f"hushgate {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name, help_text in COMMANDS:
        module = importlib.import_module(f"scanner.cli.{module_name}")
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        module.configure(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.run(args)
    except HushgateError as exc:
        print(f"hushgate: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("hushgate: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 2
    except Exception as exc:  # one line, never a traceback, unless asked for
        if os.environ.get("HUSHGATE_DEBUG"):
            raise
        print(f"hushgate: internal error: {type(exc).__name__}: {exc} (set HUSHGATE_DEBUG=1 for details)",
              file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
