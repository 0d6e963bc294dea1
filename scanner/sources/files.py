"""Files source: walk paths, skip what cannot hold text, read large files in overlapping windows."""
from __future__ import annotations

import fnmatch
import os
import stat
from pathlib import Path
from collections.abc import Iterator

from ..record import record, replace

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


@record(frozen=True)
class FileEntry:
    real: str  # what to open
    display: str  # what reports show: relative to the scan root as given
    size: int


@record(frozen=True)
class Skipped:
    display: str
    reason: str  # binary, too-large, symlink-outside-root, symlink-to-folder, broken-symlink,
    # special-file, excluded, fingerprint-key, unreadable
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
            items = walk_dir(root_path, exclude, max_file_size)
            # Several folders: name each file with its folder as given, so two `a.txt` differ.
            prefix = root_path.as_posix().rstrip("/") + "/" if len(roots) > 1 and root_path != Path(".") else ""
            yield from (replace(item, display=prefix + item.display) for item in items) if prefix else items
        else:
            yield from classify(str(root_path), root, root_path.resolve().parent, exclude, max_file_size)


def walk_dir(root: Path, exclude: tuple, max_file_size: int | None) -> Iterator:
    """Top-down, in name order, with an explicit stack: a tree of any depth is walked (recursion
    would stop at Python's limit), and a folder that cannot be listed is reported, not dropped."""
    real_root = root.resolve()
    stack = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            yield Skipped(prefix.rstrip("/") or root.name or ".", "unreadable", exc.strerror or str(exc))
            continue
        subfolders = []
        for entry in entries:
            display = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in SKIP_DIRS and not is_excluded(display, exclude):
                    subfolders.append((entry.path, display + "/"))
            else:
                yield from classify(entry.path, display, real_root, exclude, max_file_size)
        stack.extend(reversed(subfolders))


def suffix(name: str) -> str:
    """The file name's extension as pathlib gives it (`..png` has one, `.bashrc` none)."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def classify(path: str, display: str, real_root: Path, exclude: tuple, max_file_size: int | None) -> Iterator:
    # Plain strings and os calls, not Path objects: this runs once per file of the tree.
    from ..fingerprints import KEY_FILE

    if is_excluded(display, exclude):
        yield Skipped(display, "excluded")
        return
    name = os.path.basename(path)
    if name == KEY_FILE:  # hushgate's own fingerprint key: never read, never reported
        yield Skipped(display, "fingerprint-key")
        return
    try:
        info = os.lstat(path)
    except OSError as exc:  # gone since the folder was listed
        yield Skipped(display, "unreadable", exc.strerror or str(exc))
        return
    if stat.S_ISLNK(info.st_mode):
        try:
            target = Path(path).resolve(strict=True)
            info = target.stat()
        except (OSError, RuntimeError):  # dangling or looping: there is nothing to read
            yield Skipped(display, "broken-symlink")
            return
        if not target.is_relative_to(real_root):
            yield Skipped(display, "symlink-outside-root")
            return
        if stat.S_ISDIR(info.st_mode):  # its files are walked where they really are
            yield Skipped(display, "symlink-to-folder")
            return
    if not stat.S_ISREG(info.st_mode):
        yield Skipped(display, "special-file")
    elif suffix(name).lower() in BINARY_EXTENSIONS:
        yield Skipped(display, "binary")
    elif max_file_size is not None and info.st_size > max_file_size:
        yield Skipped(display, "too-large")
    else:
        yield FileEntry(path, display, info.st_size)


def read_windows(handle) -> Iterator[tuple[bytes, int, int, int, bool]]:
    """(data, offset, first line number, characters of that line before the data, is_last)
    windows that overlap by OVERLAP bytes. The third lets columns stay right on a line longer
    than a window (minified code, a one-line dump)."""
    offset, line, column = 0, 1, 0
    data = read_up_to(handle, WINDOW)
    while True:
        more = read_up_to(handle, WINDOW - OVERLAP) if len(data) == WINDOW else b""
        yield data, offset, line, column, not more
        if not more:
            return
        keep = len(data) - OVERLAP
        newlines = data.count(b"\n", 0, keep)
        line += newlines
        line_start = data.rfind(b"\n", 0, keep) + 1
        column = (0 if newlines else column) + len(data[line_start:keep].decode("utf-8", "replace"))
        offset += keep
        data = data[keep:] + more


def read_up_to(handle, size: int) -> bytes:
    """`handle.read(size)`, without making a `size`-byte buffer for a smaller file: a fresh
    window-sized buffer per file, its pages faulted in and dropped again, cost more than reading."""
    try:
        left = os.fstat(handle.fileno()).st_size - handle.tell()
    except (AttributeError, OSError, ValueError):  # a transcoder, a pipe: no size to go by
        return handle.read(size)
    if left >= size:
        return handle.read(size)
    data = handle.read(max(left, 0) + 1)  # one more byte tells a file that grew since
    return data + handle.read(size - len(data)) if len(data) > left else data
