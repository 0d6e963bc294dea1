"""`hushgate scan [PATH ...]`: files and directories, recursively; `-` reads stdin."""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import HushgateError
from .options import add_scan_options, build_scanner, emit, jobs, size


def configure(parser) -> None:
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                        help="files or directories to scan, - for stdin (default: .)")
    add_scan_options(parser)
    add_file_options(parser)


def add_file_options(parser) -> None:
    parser.add_argument("--max-file-size", type=size, default=None, metavar="SIZE",
                        help="skip files larger than SIZE, e.g. 10M (default: scan every size)")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="skip paths matching GLOB (repeatable)")


def run(args) -> int:
    return emit(scan_files(args), args)


def scan_files(args):
    """The ScanResult of args.paths (also used by `hushgate baseline`)."""
    missing = [p for p in args.paths if p != "-" and not Path(p).exists()]
    if missing:
        raise HushgateError(f"no such file or directory: {missing[0]}")
    first = next((Path(p) for p in args.paths if p != "-"), Path.cwd())
    scanner = build_scanner(args, start=first.resolve() if first.is_dir() else first.resolve().parent)
    config = args.project_config
    exclude = tuple(args.exclude) + tuple(config.exclude)
    max_file_size = args.max_file_size or config.max_file_size
    paths = [p for p in args.paths if p != "-"]
    from ..pipeline import ScanResult

    result = scanner.scan_paths(paths, exclude, max_file_size, jobs(args)) if paths else ScanResult()
    if len(paths) == 1 and Path(paths[0]).is_dir():
        result.root_in_repo = root_in_repo(Path(paths[0]))
    if "-" in args.paths:
        scan_stdin(scanner, result)
    return result


def root_in_repo(root: Path) -> str:
    """`src/` when scanning the `src` folder of a repository; "" at its root or outside git."""
    from ..fingerprints import find_repo_root

    resolved = root.resolve()
    repo = find_repo_root(resolved)
    if repo is None or repo == resolved:
        return ""
    return resolved.relative_to(repo).as_posix() + "/"


def scan_stdin(scanner, result) -> None:
    import time

    from ..engine.detector import RuleTimeout
    from ..pipeline import ScanInterrupted
    from ..sources.encoding import utf8_stream

    started = time.perf_counter()
    stdin = CountingReader(sys.stdin.buffer)
    try:
        result.findings.extend(scanner.scan_stream(utf8_stream(stdin), "<stdin>"))
    except RuleTimeout as exc:
        result.findings.extend(exc.findings)
        result.error("<stdin>", str(exc))
    except KeyboardInterrupt:
        raise ScanInterrupted(result) from None
    finally:
        result.bytes += stdin.count
        result.seconds += time.perf_counter() - started
    result.files += 1


class CountingReader:
    """A byte stream that counts what was read from it: the summary's bytes for stdin."""

    def __init__(self, handle):
        self.handle, self.count = handle, 0

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.count += len(data)
        return data
