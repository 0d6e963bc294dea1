"""Progress of an org scan: rich bars on a terminal, a log line every so often when piped
(cron mail, CI logs), and a warning line for every repository that fails."""
from __future__ import annotations

import os
import sys
import time

from ..report.text import escape_control, human_size

LOG_INTERVAL = 10.0


class Progress:
    def __init__(self):
        self.repos_total = 0
        self.repos_done = 0
        self.repos_failed = 0
        self.blobs = 0
        self.bytes = 0
        self.planned_bytes = 0
        self.started = time.monotonic()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def total(self, repos: int) -> None:
        self.repos_total = repos
        self.update()

    def planned(self, size: int) -> None:
        self.planned_bytes += size
        self.update()

    def scanned(self, blobs: int, size: int) -> None:
        self.blobs += blobs
        self.bytes += size
        self.update()

    def repo_done(self, failed_with: str | None = None, name: str = "") -> None:
        self.repos_done += 1
        if failed_with is not None:
            self.repos_failed += 1
            self.say(f"hushgate: warning: {escape_control(name)}: {escape_control(failed_with)}")
        self.update()

    def rate(self) -> float:
        return self.bytes / max(time.monotonic() - self.started, 1e-6)

    def line(self) -> str:
        elapsed = int(time.monotonic() - self.started)
        failed = f" ({self.repos_failed} failed)" if self.repos_failed else ""
        return (f"hushgate: org scan: {self.repos_done}/{self.repos_total} repositories{failed}, {self.blobs:,} blobs "
                f"scanned ({human_size(self.bytes)}, {human_size(int(self.rate()))}/s), "
                f"elapsed {elapsed // 60}m{elapsed % 60:02d}s")

    def say(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def update(self) -> None:
        pass

    def tick(self) -> None:
        pass

    def close(self) -> None:
        pass


class LogProgress(Progress):
    """One line every LOG_INTERVAL seconds, and a last one at the end."""

    def __init__(self, interval: float = LOG_INTERVAL):
        super().__init__()
        self.interval = interval
        self.last = time.monotonic()

    def tick(self) -> None:
        if time.monotonic() - self.last >= self.interval:
            self.last = time.monotonic()
            self.say(self.line())

    def close(self) -> None:
        self.say(self.line())


class RichProgress(Progress):
    def __init__(self):
        super().__init__()
        from rich.console import Console
        from rich.progress import (BarColumn, DownloadColumn, MofNCompleteColumn, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn, TransferSpeedColumn)
        from rich.progress import Progress as Bars

        self.console = Console(stderr=True)
        self.bars = Bars(TextColumn("{task.description:<13}"), BarColumn(), MofNCompleteColumn(),
                         TextColumn("{task.fields[detail]}"), TimeElapsedColumn(), console=self.console)
        self.blob_bars = Bars(TextColumn("{task.description:<13}"), BarColumn(), DownloadColumn(),
                              TransferSpeedColumn(), TextColumn("{task.fields[detail]}"), TimeRemainingColumn(),
                              console=self.console)
        from rich.console import Group
        from rich.live import Live

        self.live = Live(Group(self.bars, self.blob_bars), console=self.console, transient=True,
                         refresh_per_second=4)
        self.repo_task = self.bars.add_task("repositories", total=None, detail="")
        self.blob_task = self.blob_bars.add_task("blobs", total=None, detail="")
        self.live.start()

    def say(self, text: str) -> None:
        self.console.print(text, markup=False, highlight=False)

    def update(self) -> None:
        failed = f"{self.repos_failed} failed" if self.repos_failed else ""
        self.bars.update(self.repo_task, total=self.repos_total or None, completed=self.repos_done, detail=failed)
        self.blob_bars.update(self.blob_task, total=self.planned_bytes or None, completed=self.bytes,
                              detail=f"{self.blobs:,} blobs")

    def close(self) -> None:
        self.live.stop()


def progress_for(stream, enabled: bool = True) -> Progress:
    if enabled and stream.isatty() and os.environ.get("TERM") != "dumb":
        return RichProgress()
    return LogProgress()
