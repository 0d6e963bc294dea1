"""Entry point: build the argument parser from one module per subcommand and dispatch."""
from __future__ import annotations

import argparse
import gc
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
    ("org", "org", "scan many repositories into a datastore, triage and report (docs/org.md)"),
    ("install", "install", "install native git hooks (pre-commit, pre-push)"),
    ("uninstall", "uninstall", "remove hushgate's native git hooks"),
]


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, sized as `shutil.get_terminal_size` would size it, without importing
    shutil: argparse builds one for every option it adds, and the import cost a hook 1 ms."""

    def __init__(self, prog, indent_increment=2, max_help_position=24, width=None):
        super().__init__(prog, indent_increment, max_help_position,
                         terminal_columns() - 2 if width is None else width)


def terminal_columns(fallback: int = 80) -> int:
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):  # no stdout, or not a terminal
            columns = 0
    return columns or fallback


class OneLineErrorParser(argparse.ArgumentParser):
    """A usage mistake is one line on stderr, like every other error; the usage is one -h away."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str):
        from ..report.text import escape_control

        self.exit(2, f"{self.prog}: error: {escape_control(message)} (see {self.prog} -h)\n")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The whole parser; given a command line that starts with a command, only that command's
    parser: a hook's start-up pays for one command only."""
    wanted = requested_command(argv) if argv is not None else None
    parser = OneLineErrorParser(
        prog="hushgate",
        description="Find secrets before they leak: files, staged changes, pushes and git history.",
        epilog="Exit codes: 0 no findings, 1 findings, 2 usage or runtime error.",
    )
    parser.add_argument("--version", action="version", version=f"hushgate {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name, help_text in COMMANDS:
        if wanted not in (None, name):
            continue
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        module = importlib.import_module(f"scanner.cli.{module_name}")
        module.configure(sub)
        sub.set_defaults(run=module.run)
    return parser


def requested_command(argv: list[str]) -> str | None:
    """The known command the arguments start with, else None. A top-level option before it
    (`-h`, `--version`) needs the whole parser, to list every command."""
    return argv[0] if argv and argv[0] in {name for name, _, _ in COMMANDS} else None


# What git hooks run: a budget of about 100 ms, of which the interpreter's chores took a tenth.
HOOK_COMMANDS = {"staged", "pre-push"}


def entry() -> None:
    """The `hushgate` command (and `python -m scanner`).

    For the hook commands it skips two chores: the cyclic garbage collector walking the freshly
    loaded rules again and again (reference counting frees what a scan discards; it makes next
    to no cycles), and tearing down every module at exit (reports are written and closed by
    then, nothing else is left to finalize, and output is flushed here)."""
    if requested_command(sys.argv[1:]) not in HOOK_COMMANDS:
        sys.exit(main())
    gc.disable()
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe: nothing more can be said
        pass
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    try:
        argv = sys.argv[1:] if argv is None else argv
        parser = build_parser(argv)
        args = parser.parse_args(argv)
        if not getattr(args, "run", None):
            parser.print_help(sys.stderr)
            return 2
        return args.run(args)
    except HushgateError as exc:
        say(f"error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt as exc:
        partial = getattr(exc, "result", None)
        say("interrupted" + (f": {partial_summary(partial)}" if partial else ""))
        return 130
    except BrokenPipeError:
        quiet_stdout()
        return 2
    except Exception as exc:  # one line, never a traceback, unless asked for
        if os.environ.get("HUSHGATE_DEBUG"):
            raise
        say(f"internal error: {describe(exc)} (set HUSHGATE_DEBUG=1 for details)")
        return 2


def say(message: str) -> None:
    from ..report.text import escape_control

    print(f"hushgate: {escape_control(message)}", file=sys.stderr)


def partial_summary(result) -> str:
    from ..report.text import human_size

    found = len(result.findings)
    return (f"{found} secret{'s' if found != 1 else ''} found so far in {result.files} files "
            f"({human_size(result.bytes)}) before the interrupt; the scan is incomplete")


def describe(exc: BaseException) -> str:
    """What went wrong and where, without the exception's message: a message may quote the data
    being scanned (a KeyError of a secret, a ValueError echoing a line), and this is printed in
    CI logs. An OSError's own words and file name are safe and say what to fix."""
    if isinstance(exc, OSError):
        return f"{exc.strerror or type(exc).__name__}" + (f": {exc.filename}" if exc.filename else "")
    if isinstance(exc, MemoryError):
        return "out of memory"
    import traceback
    from pathlib import Path

    package = Path(__file__).resolve().parents[1]
    ours = [frame for frame in traceback.extract_tb(exc.__traceback__)
            if Path(frame.filename).resolve().is_relative_to(package)]
    where = f" in {Path(ours[-1].filename).resolve().relative_to(package.parent)}:{ours[-1].lineno}" if ours else ""
    return f"{type(exc).__name__}{where}"


def quiet_stdout() -> None:
    """The reader went away: point stdout at /dev/null so the flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
