"""Plain `git` subprocesses that a scanned repository cannot turn into code execution.

Every call goes through `git_command`: a repository's own config may name programs (fsmonitor,
external diff, textconv, hooks, signature checkers) that git would run while merely reading;
a scan must read, never run. System and user config stay in effect (they are the user's, not
the repository's), so are `GIT_DIR`/`GIT_INDEX_FILE` set by git when it runs a hook.
"""
from __future__ import annotations

import os
import re
import subprocess
from contextlib import contextmanager
from ..errors import HushgateError
from ..record import record

# Hooks need no switch: no command run here (rev-parse, diff-index, diff-tree, rev-list, cat-file,
# ls-tree, config) runs hooks, and `hushgate install` must see the real core.hooksPath.
SAFE_CONFIG = (
    "core.fsmonitor=false",  # git would run the fsmonitor program on any index read
    "log.showSignature=false",  # would run gpg.program
    "gc.auto=0",
    "maintenance.auto=false",
    "core.quotePath=false",
    # A partial clone fetches missing objects on demand, through remote.*.uploadpack, ext::
    # URLs, core.sshCommand or credential helpers the repository names; a scan never fetches.
    "protocol.allow=never",
    *(f"protocol.{name}.allow=never" for name in ("file", "ext", "ssh", "git", "http", "https")),
)
# For every command that can produce a diff: no external diff driver, no textconv program.
SAFE_DIFF = ("--no-ext-diff", "--no-textconv", "--no-color", "--src-prefix=a/", "--dst-prefix=b/")
SAFE_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "PAGER": "cat", "GIT_OPTIONAL_LOCKS": "0",
            "GIT_NO_LAZY_FETCH": "1"}  # git >= 2.45; older ones are held back by protocol.allow
ZERO_SHA = frozenset({"0" * 40, "0" * 64})
WIDE_TEXT_LIMIT = 16 << 20
PIPE_BYTES = 1 << 20
UNSAFE_PARTS = {"": "%2F", ".": "%2E", "..": "%2E%2E"}


def git_command(args) -> list[str]:
    command = ["git"]
    for setting in SAFE_CONFIG:
        command += ["-c", setting]
    return command + list(args)


def git_env() -> dict:
    env = {**os.environ, **SAFE_ENV}
    env.pop("GIT_EXTERNAL_DIFF", None)
    return env


def first_error_line(stderr: bytes) -> str:
    """git's most telling line: the `fatal:` one if any, else the first non-empty."""
    text = stderr.decode("utf-8", "replace")
    if "dubious ownership" in text:
        return dubious_ownership(text)
    if "from promisor remote" in text:
        return ("this partial clone lacks objects the scan needs, and hushgate never fetches: run "
                "`git fetch --refetch` (or scan a full clone) first")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (fatal or lines or ["git failed"])[0]


def dubious_ownership(stderr: str) -> str:
    """git refuses a repository owned by another user (safe.directory). Trusting it is the
    user's decision, so hushgate says how and never does it itself."""
    quoted = re.search(r"repository at '([^']*)'", stderr)
    where = quoted.group(1) if quoted else "this repository"
    return (f"git refuses to read {where}: it is owned by another user (dubious ownership). If you "
            f"trust it, run: git config --global --add safe.directory {where}")


def run_git(args, cwd=None, input: bytes | None = None, check: bool = True) -> bytes:
    """stdout of one git command; on failure a HushgateError naming what git said."""
    try:
        done = subprocess.run(git_command(args), cwd=cwd, input=input, capture_output=True,
                              env=git_env(), check=False)
    except FileNotFoundError:
        raise HushgateError("git is not installed or not on PATH") from None
    if check and done.returncode != 0:
        raise HushgateError(f"git {args[0]}: {first_error_line(done.stderr)}")
    return done.stdout


def try_git(args, cwd=None) -> bytes | None:
    """stdout, or None when git fails (for questions whose answer may be 'no such thing')."""
    try:
        done = subprocess.run(git_command(args), cwd=cwd, capture_output=True, env=git_env())
    except FileNotFoundError:
        raise HushgateError("git is not installed or not on PATH") from None
    return done.stdout if done.returncode == 0 else None


def scratch_file():
    """An unnamed temporary file. Linux makes one in a single call (O_TMPFILE), which spares a
    hook importing `tempfile` with the `shutil` and `random` it needs (2 ms); elsewhere, or when
    the folder cannot hold one, `tempfile` makes it."""
    try:
        return open(os.open(os.environ.get("TMPDIR") or "/tmp", os.O_TMPFILE | os.O_RDWR, 0o600), "w+b")
    except (AttributeError, OSError):
        import tempfile

        return tempfile.TemporaryFile()


def widen_pipe(stream) -> None:
    """Let git run up to a megabyte ahead of its reader (Linux; 64 KB otherwise): it reads and
    inflates the next objects while this process diffs and scans the last ones."""
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except (ImportError, OSError):
        pass


@contextmanager
def git_stream(args, cwd=None, stdin=subprocess.DEVNULL):
    """A running git process whose stdout is read as it comes; its failure is raised on exit.
    stderr goes to a file, so a chatty git never blocks on a full pipe."""
    with scratch_file() as stderr:
        try:
            process = subprocess.Popen(git_command(args), cwd=cwd, stdin=stdin, stdout=subprocess.PIPE,
                                       stderr=stderr, env=git_env())
        except FileNotFoundError:
            raise HushgateError("git is not installed or not on PATH") from None
        widen_pipe(process.stdout)
        with process:
            try:
                yield process
            except BaseException:
                process.kill()
                raise
            if process.wait() != 0:
                stderr.seek(0)
                raise HushgateError(f"git {args[0]}: {first_error_line(stderr.read())}")


@contextmanager
def revisions_on_stdin(revisions: tuple):
    """(extra arguments, stdin) for a `rev-list` given revisions by the thousand (an org scan's
    new commits), more than a command line holds; nothing extra when there are none."""
    if not revisions:
        yield (), subprocess.DEVNULL
        return
    with scratch_file() as listing:
        listing.write("".join(f"{revision}\n" for revision in revisions).encode())
        listing.seek(0)
        yield ("--stdin",), listing


@record(frozen=True)
class Repo:
    git_dir: str
    work_tree: str | None  # None for a bare repository
    shallow: bool
    head: str | None = None  # HEAD's commit; None on an unborn branch, and without a work tree

    def require_work_tree(self, purpose: str) -> str:
        if self.work_tree is None:
            raise HushgateError(f"{purpose} needs a work tree; {self.git_dir} is a bare repository")
        return self.work_tree


def discover(path: str = ".") -> Repo:
    """The repository containing `path`, or a one-line error when there is none."""
    return Discovery(path).repo()


class Discovery:
    """`discover`, in two steps: git starts looking at once, and `repo()` waits for its answer,
    so a hook can import the scanner meanwhile."""

    def __init__(self, path: str = "."):
        if not os.path.isdir(path):
            raise HushgateError(f"no such directory: {path}")
        self.path = path
        try:
            self.process = subprocess.Popen(
                git_command(["rev-parse", "--is-bare-repository", "--is-shallow-repository",
                             "--absolute-git-dir", "--show-toplevel", "--verify", "--quiet",
                             "HEAD^{commit}"]),
                cwd=path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=git_env())
        except FileNotFoundError:
            raise HushgateError("git is not installed or not on PATH") from None

    def repo(self) -> Repo:
        stdout, stderr = self.process.communicate()
        lines = stdout.decode("utf-8", "surrogateescape").splitlines()
        if len(lines) < 3:
            message = first_error_line(stderr)
            if "not a git repository" in message:
                raise HushgateError(f"not a git repository: {os.path.abspath(self.path)}")
            if message.startswith("git refuses"):
                raise HushgateError(message)
            raise HushgateError(f"git rev-parse: {message}")
        # --show-toplevel fails (exit 128) after printing the rest when there is no work tree (bare,
        # or inside .git); then --verify prints HEAD's commit, or fails (exit 1) on an unborn branch.
        code = self.process.returncode
        work_tree = lines[3] if code in (0, 1) and len(lines) > 3 and lines[0] == "false" else None
        head = lines[4] if code == 0 and len(lines) > 4 else None
        return Repo(git_dir=lines[2], work_tree=work_tree, shallow=lines[1] == "true", head=head)


def resolve_commit(repo_dir: str, revision: str) -> str | None:
    """Full id of the commit `revision` names, or None (unborn branch, unknown name)."""
    out = try_git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"],
                  cwd=repo_dir)
    return out.decode().strip() if out else None


def require_commit(repo_dir: str, revision: str, option: str) -> str:
    commit = resolve_commit(repo_dir, revision)
    if commit is None:
        raise HushgateError(f"{option} {revision}: no such commit in this repository")
    return commit


def empty_tree(repo_dir: str) -> str:
    """The empty tree's id in this repository's hash (SHA-1 or SHA-256)."""
    return run_git(["hash-object", "-t", "tree", "--stdin"], cwd=repo_dir, input=b"").decode().strip()


def wide_text_lines(repo_dir: str, spec: bytes) -> list | None:
    """(line number, line) for every line of a blob git's diff called binary, when it is really
    UTF-16/32 text with a byte-order mark (its NUL bytes make git give up on it), else None.
    Such a file is scanned whole, transcoded: a diff of it cannot say which lines are new."""
    from .encoding import as_utf8, wide_codec
    from .files import BINARY_EXTENSIONS

    if os.path.splitext(spec)[1].decode("utf-8", "replace").lower() in BINARY_EXTENSIONS:
        return None
    size = try_git(["cat-file", "-s", spec], cwd=repo_dir)
    if size is None or int(size) > WIDE_TEXT_LIMIT:
        return None
    data = try_git(["cat-file", "blob", spec], cwd=repo_dir)
    if data is None or wide_codec(data[:4]) is None:
        return None
    return list(enumerate(as_utf8(data).split(b"\n"), 1))


def display_path(raw: bytes) -> str:
    """A git path as reports show it: UTF-8, undecodable bytes escaped rather than dropped, and
    relative to the repository's top. git never writes a tree entry named `..`, `.` or `` but a
    crafted object can hold one; those are shown percent-encoded, so that no report path points
    outside the repository for a tool that joins it to a checkout."""
    text = raw.decode("utf-8", "backslashreplace")
    parts = text.split("/")
    if not any(part in UNSAFE_PARTS for part in parts):
        return text
    return "/".join(UNSAFE_PARTS.get(part, part) for part in parts)
