"""Files source: walk paths, skip what cannot hold text, read large files in overlapping windows."""
from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

WINDOW = 8 << 20
OVERLAP = 64 << 10
SNIFF = 8192
SKIP_DIRS = {".git", ".hg", ".svn"}
BINARY_EXTENSIONS = frozenset(
    ".png .jpg .jpeg .gif .bmp .ico .webp .tif .tiff .psd .mp3 .mp4 .wav .ogg .flac .avi .mov .mkv "
    ".webm .woff .woff2 .ttf .otf .eot .zip .gz .tgz .bz2 .xz .zst .7z .rar .tar .jar .war .ear .whl "
    ".egg .so .dylib .dll .exe .bin .o .a .lib .obj .class .pyc .pyo .pdf .doc .xls .ppt .docx .xlsx "
    ".pptx .odt .sqlite .db .dat .iso .dmg .img .parquet .onnx .pt .pth .h5 .npy .npz".split()
)


@dataclass(frozen=True)
class FileEntry:
    real: str  # what to open
    display: str  # what reports show: relative to the scan root as given
    size: int


@dataclass(frozen=True)
class Skipped:
    display: str
    reason: str  # binary, too-large, symlink-outside-root, special-file, excluded, unreadable
    detail: str = ""

    @property
    def content_unread(self) -> bool:
        """A regular file the walk did not open (binary by extension, too large): its name
        still counts, since a keystore or key file is a leak whatever it holds."""
        return self.reason in ("binary", "too-large")


def is_binary(head: bytes) -> bool:
    """A NUL byte in the first block means binary, unless it is UTF-16 with a byte-order mark."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\0" in head[:SNIFF]


def is_excluded(display: str, patterns: tuple) -> bool:
    name = display.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(display, p) or fnmatch.fnmatch(name, p) or display.startswith(p.rstrip("/") + "/")
               for p in patterns)


def walk(roots: list[str], exclude: tuple = (), max_file_size: int | None = None) -> Iterator:
    """Yield FileEntry or Skipped for every file under the roots, in a stable order."""
    for root in roots:
        root_path = Path(root)
        if root_path.is_dir():
            yield from walk_dir(root_path, exclude, max_file_size)
        else:
            yield from classify(root_path, root, root_path.resolve().parent, exclude, max_file_size)


def walk_dir(root: Path, exclude: tuple, max_file_size: int | None) -> Iterator:
    real_root = root.resolve()
    for folder, dirs, files in os.walk(root, onerror=None):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        relative_folder = os.path.relpath(folder, root)
        prefix = "" if relative_folder == "." else relative_folder.replace(os.sep, "/") + "/"
        dirs[:] = [d for d in dirs if not is_excluded(prefix + d, exclude)]
        for name in sorted(files):
            yield from classify(Path(folder) / name, prefix + name, real_root, exclude, max_file_size)


def classify(path: Path, display: str, real_root: Path, exclude: tuple, max_file_size: int | None) -> Iterator:
    if is_excluded(display, exclude):
        yield Skipped(display, "excluded")
        return
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            target = path.resolve()
            if not target.is_relative_to(real_root):
                yield Skipped(display, "symlink-outside-root")
                return
            info = target.stat()
    except (OSError, RuntimeError) as exc:
        yield Skipped(display, "unreadable", getattr(exc, "strerror", None) or str(exc))
        return
    if not stat.S_ISREG(info.st_mode):
        yield Skipped(display, "special-file")
    elif path.suffix.lower() in BINARY_EXTENSIONS:
        yield Skipped(display, "binary")
    elif max_file_size is not None and info.st_size > max_file_size:
        yield Skipped(display, "too-large")
    else:
        yield FileEntry(str(path), display, info.st_size)


def read_windows(handle) -> Iterator[tuple[bytes, int, int, bool]]:
    """(data, offset, first line number, is_last) windows that overlap by OVERLAP bytes."""
    offset, line = 0, 1
    data = handle.read(WINDOW)
    while True:
        more = handle.read(WINDOW - OVERLAP) if len(data) == WINDOW else b""
        yield data, offset, line, not more
        if not more:
            return
        keep = len(data) - OVERLAP
        line += data.count(b"\n", 0, keep)
        offset += keep
        data = data[keep:] + more
