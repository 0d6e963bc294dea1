"""History in parts: each part reads, diffs and scans the versions of its own paths.

The walk (in the main process) deals each path to a part the first time it meets it, to the
part with the fewest changes so far, and every later version of that path goes to the same
part: a version is diffed against the one before it at its path, which that part has just read.
With more than one job each part is a forked process with its own `git cat-file`, fed changes
through a pipe; nothing else crosses processes but the findings at the end. Paths never span
parts, so neither do findings (one per path and secret).
"""
from __future__ import annotations

import signal

from ..engine.detector import RuleTimeout
from ..errors import HushgateError
from ..pipeline import ScanResult
from .blobs import close_cat_file
from .git import display_path
from .versions import VersionReader

DEAL_BATCH = 512  # changes per message to a part


def scan_piece(scanner, piece) -> tuple[list, str | None]:
    """(findings, error or None) of a piece's new lines; a finding only in their context is an
    older version's."""
    if piece.found is not None:
        return piece.found, piece.error
    findings, error = [], None
    for offset, line, data, new_start, new_end in piece.runs:
        try:
            found = scanner.scan_bytes(data, piece.path, offset, line)
        except RuleTimeout as exc:
            found, error = exc.findings, error or str(exc)
        findings += [f for f in found if f.offset < new_end and f.offset + len(f.secret.encode()) > new_start]
    return findings, error


class Attribution:
    """Findings per (path, rule, secret) at the oldest commit that brought them there, as scans
    finish in walk order. A blob met again (a copy, a revert, a merge) takes the findings of its
    one scan; met while that scan is still to come (reads go a batch ahead), it waits for it."""

    def __init__(self):
        self.kept: dict = {}  # (path, rule id, fingerprint) -> (finding, raw path)
        self.found: dict = {}  # blob -> findings of its scan, for blobs that have some
        self.waiting: dict = {}  # blob -> [(raw path, info)] met before its scan finished

    def seen(self, blob: str, raw_path: bytes, info: tuple) -> None:
        if blob in self.found:
            self.keep(self.found[blob], raw_path, info)
        elif blob in self.waiting:
            self.waiting[blob].append((raw_path, info))

    def wanted(self, items):
        for item in items:
            self.waiting.setdefault(item.blob, [])
            yield item

    def scanned(self, piece, findings: list) -> None:
        if findings:
            self.found[piece.blob] = findings
        for raw_path, info in [(piece.raw_path, piece.info), *self.waiting.pop(piece.blob, [])]:
            self.keep(findings, raw_path, info)

    def keep(self, findings: list, raw_path: bytes, info: tuple) -> None:
        commit, author, date = info
        path = display_path(raw_path)
        for finding in findings:
            key = (path, finding.rule_id, finding.fingerprint)
            if key not in self.kept:
                self.kept[key] = (finding.replace(path=path, commit=commit, author=author, date=date), raw_path)


def scan_part(scanner, repo_dir: str, changes, exclude: tuple, max_size: int, progress=None):
    """(ScanResult with counts and errors, Attribution) of one part's changes, in walk order."""
    result, attribution = ScanResult(), Attribution()
    reader = VersionReader(scanner, repo_dir, exclude, max_size, result, progress)
    try:
        for piece in reader.pieces(attribution.wanted(reader.wanted(changes, attribution.seen))):
            findings, error = scan_piece(scanner, piece)
            if error:
                result.error(f"{piece.path} (blob {piece.blob[:12]})", error)
            attribution.scanned(piece, findings)
    finally:
        close_cat_file(repo_dir)
    return result, attribution


def in_parts(scanner, repo_dir: str, changes, exclude: tuple, max_size: int, progress, jobs: int) -> list:
    """[(ScanResult, Attribution)] of `jobs` parts run in forked processes."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    counters = context.Array("q", 2, lock=False)  # versions read, bytes read: for the progress bar
    ends, workers = [], []
    try:
        for _ in range(jobs):
            ours, theirs = context.Pipe()
            worker = context.Process(target=run_part, daemon=True,
                                     args=(scanner, repo_dir, theirs, exclude, max_size, counters))
            worker.start()
            theirs.close()
            ends.append(ours)
            workers.append(worker)
        shown = Shown(counters, progress)
        deal(changes, ends, shown)
        return [collect(end, shown) for end in ends]
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()


class Shown:
    """What the progress bar has been told of the parts' shared counters (updated without a lock:
    a lost increment only makes the bar a blob short)."""

    def __init__(self, counters, progress):
        self.counters, self.progress, self.read, self.size = counters, progress, 0, 0

    def update(self) -> None:
        read, size = self.counters[0], self.counters[1]
        if self.progress is not None and read > self.read:
            self.progress(size - self.size, read - self.read)
            self.read, self.size = read, size


def deal(changes, ends: list, shown: Shown) -> None:
    owner: dict = {}  # raw path -> part
    load = [0] * len(ends)
    batches: list = [[] for _ in ends]
    for change in changes:
        part = owner.get(change[2])
        if part is None:
            part = owner[change[2]] = load.index(min(load))
        load[part] += 1
        batches[part].append(change)
        if len(batches[part]) >= DEAL_BATCH:
            send(ends[part], batches[part])
            batches[part] = []
            shown.update()
    for end, batch in zip(ends, batches):
        if batch:
            send(end, batch)
        send(end, None)


def send(end, message) -> None:
    try:
        end.send(message)
    except (BrokenPipeError, ConnectionResetError):
        collect(end, None)  # the part stopped: say why
        raise HushgateError("a history worker stopped early") from None


def collect(end, shown: Shown | None):
    """The part's (result, attribution), the progress bar fed while waiting for it."""
    while True:
        if shown is not None:
            shown.update()
        try:
            if end.poll(0.1):
                outcome = end.recv()
                break
        except (EOFError, OSError):
            raise HushgateError("a history worker stopped early") from None
    if isinstance(outcome, str):
        raise HushgateError(outcome)
    return outcome


def run_part(scanner, repo_dir: str, end, exclude: tuple, max_size: int, counters) -> None:
    """A part's process: changes in through the pipe until None, (result, attribution) out, or
    the one-line error that stopped it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle

    def changes():
        while (batch := end.recv()) is not None:
            yield from batch

    def count(size: int, read: int = 1) -> None:
        counters[0] += read
        counters[1] += size

    try:
        end.send(scan_part(scanner, repo_dir, changes(), exclude, max_size, count))
    except HushgateError as exc:
        end.send(str(exc))
    except BaseException as exc:  # noqa: BLE001 - reported by the main process as one line
        end.send(f"history worker failed: {type(exc).__name__}: {exc}")
