"""One `org scan` per datastore at a time: an advisory lock on `FILE.lock` beside it.

The operating system drops the lock when its holder exits, however it exits (SIGKILL, power
cut of a container), so a crashed scan never leaves a stale lock behind. The file also says who
holds it, so the second scan can tell the user whom it is waiting for.
"""
from __future__ import annotations

import json
import os
import socket
import time
from datetime import datetime, timezone
from pathlib import Path

from ..errors import HushgateError

POLL_SECONDS = 0.5


class ScanLease:
    def __init__(self, datastore: Path, wait_seconds: float = 0.0):
        self.path = Path(f"{datastore}.lock")
        self.wait_seconds = wait_seconds
        self.handle = None

    def __enter__(self) -> "ScanLease":
        try:
            import fcntl
        except ImportError:  # no advisory locks on this platform: run unguarded
            return self
        try:
            self.handle = open(self.path, "a+")
        except OSError as exc:
            raise HushgateError(f"cannot create lock file {self.path}: {exc.strerror or exc}") from None
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    holder = self.holder()
                    self.handle.close()
                    self.handle = None
                    raise HushgateError(
                        f"another `hushgate org scan` is using this datastore ({holder}); wait for it to "
                        f"finish, or pass --wait-for-lock SECONDS to queue behind it") from None
                time.sleep(POLL_SECONDS)
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                      "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}))
        self.handle.flush()
        return self

    def holder(self) -> str:
        try:
            self.handle.seek(0)
            info = json.loads(self.handle.read() or "{}")
            return f"pid {info['pid']} on {info['host']}, since {info['since']}"
        except (ValueError, KeyError, TypeError, OSError):
            return "holder unknown"

    def __exit__(self, *exc_info) -> None:
        if self.handle is not None:
            self.handle.close()  # closing releases the lock
            self.handle = None
