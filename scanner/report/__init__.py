"""Reporters: one module per format, each with render(result, show_secrets, color) -> str."""
from __future__ import annotations

import importlib
import os
import stat
import sys
from pathlib import Path

from ..errors import HushgateError

# Format name -> module in scanner.report; the CLI's --format and --report choices come from here.
FORMATS = {"console": "console", "json": "json_report", "jsonl": "jsonl", "csv": "csv_report",
           "sarif": "sarif", "junit": "junit", "html": "html_report"}


def render(result, fmt: str, show_secrets: bool = False, color: bool = False) -> str:
    module = importlib.import_module(f"scanner.report.{FORMATS[fmt]}")
    return module.render(result, show_secrets=show_secrets, color=color)


def wants_color(stream) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def write_report(result, fmt: str, path: str | None, show_secrets: bool = False) -> None:
    if path is None or path == "-":
        write_stdout(render(result, fmt, show_secrets, color=wants_color(sys.stdout)))
        return
    write_atomically(Path(path), render(result, fmt, show_secrets))


def write_stdout(text: str) -> None:
    """As a report file is written: UTF-8, and a file name's undecodable bytes (lone surrogates)
    as `\\udcXX` escapes, whatever the locale, so the JSON on stdout is valid UTF-8 and the same
    as in a file. A full disk is a one-line error; a closed pipe is the CLI's to handle."""
    stream = getattr(sys.stdout, "buffer", None)
    try:
        if stream is None:  # replaced by a text-only stream (an embedding program, a test)
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        sys.stdout.flush()
        stream.write(text.encode("utf-8", "backslashreplace"))
        stream.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        try:  # what is left in the buffer would fail again, noisily, at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        raise HushgateError(f"cannot write the report to standard output: {exc.strerror or exc}") from None


def write_atomically(path: Path, text: str) -> None:
    """A report is either complete or absent: never a truncated file that looks finished. A
    device or pipe (`-o /dev/null`, `-o /dev/stdout`, a FIFO) is written in place: renaming over
    it would put a regular file in its stead (run as root, a broken /dev/null for everyone)."""
    if is_special_file(path):
        write_in_place(path, text)
        return
    tmp = path.parent / f".{path.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp"
    try:
        # 0600, as mkstemp made it: a report with --show-secrets holds secrets. backslashreplace:
        # a file name with undecodable bytes must not abort the report, and in JSON the
        # resulting \udcXX is a valid escape of the same string.
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8",
                  errors="backslashreplace", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink()
        except OSError:  # never created, or not ours to remove
            pass
        raise HushgateError(f"cannot write report {path}: {exc.strerror or exc}") from None


def is_special_file(path: Path) -> bool:
    """Whether `path` names an existing device, pipe or socket (following symbolic links)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def write_in_place(path: Path, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8", errors="backslashreplace", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        raise HushgateError(f"cannot write report {path}: {exc.strerror or exc}") from None
