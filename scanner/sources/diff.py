"""Unified and combined diffs (`git diff -U0`, `git diff-tree --cc`) -> the lines each file gains.

Parsing is byte-exact and counts hunk lines, so an added line that itself reads `+++ b/x` or
`diff --git` is content, not a header. Names come from `rename to`/`copy to`/`+++` lines, which
are unambiguous, and only then from the `diff --git a/X b/X` line (where both halves are equal).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..engine.detector import RuleTimeout
from .files import is_excluded
from .git import display_path, wide_text_lines

HUNK = re.compile(rb"^(@@+) ((?:-\d+(?:,\d+)? )+\+\d+(?:,\d+)?) @@+")
SUBMODULE_MODE = b"160000"
ESCAPES = {ord("a"): 7, ord("b"): 8, ord("t"): 9, ord("n"): 10, ord("v"): 11, ord("f"): 12, ord("r"): 13,
           ord('"'): 34, ord("\\"): 92}


class FileChange:
    """One file of a diff: where it ends up and the lines it gains there, filled in by the parser.
    (A plain class: defining a dataclass costs every hook run half a millisecond.)"""

    def __init__(self, header: bytes):
        self.header = header
        self.new_name: bytes | None = None
        self.added: list | None = []  # (line number in the new file, line bytes); None: binary
        self.new_file = self.deleted = self.binary = False
        self.mode = b""

    @property
    def path(self) -> str:
        return display_path(self.new_name if self.new_name is not None else name_from_header(self.header))

    @property
    def raw_path(self) -> bytes:
        return self.new_name if self.new_name is not None else name_from_header(self.header)

    @property
    def submodule(self) -> bool:
        return self.mode == SUBMODULE_MODE

    def added_text(self) -> bytes:
        return b"\n".join(line for _, line in self.added)

    def new_line_number(self, line_in_added_text: int) -> int:
        """The new file's line number of a line of `added_text()` (both 1-based)."""
        return self.added[line_in_added_text - 1][0]


def unquote(name: bytes) -> bytes:
    """git's C-style quoting ("a\\tb", "\\303\\251") back to the raw name; unquoted names pass."""
    if not (len(name) >= 2 and name.startswith(b'"') and name.endswith(b'"')):
        return name
    body, out, i = name[1:-1], bytearray(), 0
    while i < len(body):
        char = body[i]
        if char == 92 and i + 1 < len(body):  # backslash
            octal = body[i + 1:i + 4]
            if len(octal) == 3 and all(48 <= digit <= 55 for digit in octal):
                out.append(int(octal, 8) & 0xFF)
                i += 4
            else:
                out.append(ESCAPES.get(body[i + 1], body[i + 1]))
                i += 2
            continue
        out.append(char)
        i += 1
    return bytes(out)


def strip_prefix(name: bytes, prefix: bytes) -> bytes:
    return name[len(prefix):] if name.startswith(prefix) else name


def label_name(label: bytes) -> bytes:
    """The name on a `+++ b/NAME` line; git appends a tab when NAME holds a space (after the
    closing quote of a quoted name; an unquoted name never holds a tab itself)."""
    return strip_prefix(unquote(label.removesuffix(b"\t")), b"b/")


def name_from_header(header: bytes) -> bytes:
    """The new name from `diff --git a/X b/Y` (both halves equal unless a rename line said
    otherwise) or `diff --cc NAME`."""
    for prefix in (b"diff --cc ", b"diff --combined "):
        if header.startswith(prefix):
            return unquote(header[len(prefix):])
    rest = header[len(b"diff --git "):]
    if rest.endswith(b'"'):
        start = rest.rfind(b' "')
        return strip_prefix(unquote(rest[start + 1:]), b"b/")
    half = (len(rest) - 1) // 2
    if rest[half:half + 1] == b" " and rest[2:half] == rest[half + 3:]:
        return rest[half + 3:]
    return strip_prefix(rest[rest.rfind(b" b/") + 1:], b"b/")


def parse_range(text: bytes) -> tuple[int, int]:
    start, _, count = text[1:].partition(b",")
    return int(start), int(count) if count else 1


def parse_patches(lines: Iterable[bytes]) -> Iterator:
    """FileChange for every file of the diff; other lines (commit headers) pass through as bytes.
    `lines` are raw lines, with or without their trailing newline."""
    current: FileChange | None = None
    parents = 1
    old_left: list[int] = []
    new_left = 0
    next_line = 0
    for line in lines:
        line = line.removesuffix(b"\n")
        if new_left > 0 or any(n > 0 for n in old_left):
            if line.startswith(b"\\"):  # "\ No newline at end of file"
                continue
            marks = line[:parents]
            for i in range(parents):
                if marks[i:i + 1] != b"+":
                    old_left[i] -= 1
            if b"-" not in marks:
                if marks == b"+" * parents and not current.submodule:  # not "Subproject commit"
                    current.added.append((next_line, line[parents:]))
                next_line += 1
                new_left -= 1
            continue
        if line.startswith((b"diff --git ", b"diff --cc ", b"diff --combined ")):
            if current is not None:
                yield current
            current = FileChange(line)
            continue
        if current is None:
            yield line
            continue
        hunk = HUNK.match(line)
        if hunk and hunk.group(2).count(b"-") == len(hunk.group(1)) - 1:  # one old range per parent
            parents = len(hunk.group(1)) - 1
            ranges = hunk.group(2).split(b" ")
            old_left = [parse_range(r)[1] for r in ranges[:parents]]
            next_line, new_left = parse_range(ranges[parents])
            continue
        if not header_line(current, line):
            yield current
            current = None
            yield line
    if current is not None:
        yield current


def header_line(change: FileChange, line: bytes) -> bool:
    """Take in one extended header line; False when the line is not part of this file's diff."""
    if line.startswith(b"new file mode "):
        change.new_file, change.mode = True, line.rsplit(b" ", 1)[1]
    elif line.startswith(b"deleted file mode "):
        change.deleted, change.mode = True, line.rsplit(b" ", 1)[1]
    elif line.startswith((b"new mode ", b"mode ")):
        change.mode = line.rsplit(b" ", 1)[1].rsplit(b"..", 1)[-1]
    elif line.startswith(b"index "):
        parts = line.split(b" ")
        if len(parts) == 3:
            change.mode = parts[2]
    elif line.startswith((b"rename to ", b"copy to ")):
        change.new_name = unquote(line.split(b" ", 2)[2])
    elif line.startswith(b"+++ "):
        if line != b"+++ /dev/null" and change.new_name is None:
            change.new_name = label_name(line[4:])
    elif line.startswith(b"Binary files "):
        change.binary = True
    elif not line.startswith((b"--- ", b"old mode ", b"similarity index ", b"dissimilarity index ",
                              b"rename from ", b"copy from ", b"deleted file mode ", b"GIT binary patch")):
        return False
    return True


def findings_in_added_lines(scanner, change: FileChange) -> list:
    """The scanner's findings on the lines a change adds, placed on the new file's lines."""
    if not change.added:
        return []
    try:
        findings = scanner.scan_bytes(change.added_text(), change.path)
    except RuleTimeout as exc:  # the other rules' findings travel with it: place them too
        for finding in exc.findings:
            finding.line = change.new_line_number(finding.line)
        raise
    for finding in findings:
        finding.line = change.new_line_number(finding.line)
    return findings



def scan_change(scanner, change: FileChange, result, repo_dir: str, commit: str | None, exclude: tuple,
                warn) -> list:
    """Findings of one changed file (its name, then its added lines) of a commit, or of the index
    when `commit` is None; counted in `result`."""
    path = change.path
    if is_excluded(path, exclude):
        result.skip("excluded")
        return []
    if change.submodule:
        result.skip("submodule")
        warn(f"{path}: submodule skipped " + (f"in commit {commit[:12]}" if commit
                                                else "(scan it in its own repository)"))
        return []
    found = scanner.scan_name(path) if change.new_file else []
    if change.binary:  # git calls UTF-16 text binary: read the new content whole
        change.added = wide_text_lines(repo_dir, (commit or "").encode() + b":" + change.raw_path)
    if change.added is None:
        result.skip("binary")
        return found
    result.files += 1
    result.bytes += sum(len(line) + 1 for _, line in change.added)
    try:
        found += findings_in_added_lines(scanner, change)
    except RuleTimeout as exc:
        found += exc.findings
        result.error(f"{path} ({commit[:12]})" if commit else path, str(exc))
    return found
