"""Push source: every commit a push sends that the remote lacks, each commit's added lines.

Scanning commit by commit (not the diff of the whole range) catches a secret added in one
commit and removed in a later one: the remote receives both commits, so it receives the secret.
"""
from __future__ import annotations

import re
import subprocess
import time
from dataclasses import dataclass

from ..errors import HushgateError
from ..findings import Finding
from ..pipeline import ScanResult
from .diff import FileChange, parse_patches, scan_change
from .git import SAFE_DIFF, ZERO_SHA, git_stream, require_commit, resolve_commit, run_git, try_git

OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
COMMIT_MARK = b"\x01"  # starts the header line diff-tree prints before each commit's diff


@dataclass(frozen=True)
class PushedRef:
    local_ref: str
    local_sha: str
    remote_ref: str
    remote_sha: str


def parse_push_lines(text: str) -> list[PushedRef]:
    """git's pre-push stdin: `<local ref> <local sha> <remote ref> <remote sha>` per line."""
    refs = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.rsplit(maxsplit=3)
        if len(parts) != 4:  # not quoted back: whatever was piped in may be anything
            raise HushgateError(f"pre-push: line {number} of standard input has {len(parts)} fields; expected "
                                f"'<local ref> <local sha> <remote ref> <remote sha>'")
        if not (OBJECT_ID.fullmatch(parts[1]) and OBJECT_ID.fullmatch(parts[3])):
            raise HushgateError(f"pre-push: line {number} of standard input: fields 2 and 4 must be commit ids")
        refs.append(PushedRef(*parts))
    return refs


def commits_for_ref(repo_dir: str, ref: PushedRef) -> list[str]:
    """Commits of one pushed ref the remote does not have, oldest first. A deleted ref sends
    nothing; a new branch (or a remote tip unknown here) sends what no remote-tracking ref has."""
    if ref.local_sha in ZERO_SHA:
        return []
    local = resolve_commit(repo_dir, ref.local_sha)
    if local is None:
        raise HushgateError(f"pre-push: no commit {ref.local_sha} for {ref.local_ref}")
    if ref.remote_sha in ZERO_SHA or resolve_commit(repo_dir, ref.remote_sha) is None:
        exclude = ["--not", "--remotes"]
    else:
        exclude = ["--not", ref.remote_sha]
    return commits_between(repo_dir, [local], exclude)


def commits_between(repo_dir: str, include: list[str], exclude: list[str]) -> list[str]:
    out = run_git(["rev-list", "--reverse", "--topo-order", *include, *exclude, "--"], cwd=repo_dir)
    return out.decode().split()


def commits_to_push(repo_dir: str, refs: list[PushedRef]) -> list[tuple[str, str]]:
    """(commit, tip it is pushed with) for every commit to scan, each commit once."""
    seen, commits = set(), []
    for ref in refs:
        for commit in commits_for_ref(repo_dir, ref):
            if commit not in seen:
                seen.add(commit)
                commits.append((commit, ref.local_sha))
    return commits


def commits_from_pre_commit(repo_dir: str, environ) -> list[tuple[str, str]] | None:
    """The pushed commits as the pre-commit framework describes them (it reads git's stdin
    itself), or None outside the framework. Without a range it is pushing a root commit."""
    from_ref, to_ref = environ.get("PRE_COMMIT_FROM_REF"), environ.get("PRE_COMMIT_TO_REF")
    if from_ref and to_ref:
        tip = require_commit(repo_dir, to_ref, "PRE_COMMIT_TO_REF")
        return [(c, tip) for c in commits_between(repo_dir, [tip], ["--not", from_ref])]
    local = environ.get("PRE_COMMIT_LOCAL_BRANCH")
    if local and environ.get("PRE_COMMIT_REMOTE_NAME"):
        tip = require_commit(repo_dir, local, "PRE_COMMIT_LOCAL_BRANCH")
        return [(c, tip) for c in commits_between(repo_dir, [tip], ["--not", "--remotes"])]
    return None


def commit_changes(repo_dir: str, commits: list[str]):
    """(commit id, author, date, FileChange) for what each commit adds; merges show only what
    no parent had (a conflict resolution or an evil merge), as `--cc` does."""
    args = ["diff-tree", "--stdin", "-r", "-p", "-U0", "-M", "--cc", "--root", "--diff-filter=d",
            "--submodule=short", *SAFE_DIFF, "--format=%x01%H%x00%an <%ae>%x00%aI"]
    with git_stream(args, cwd=repo_dir, stdin=subprocess.PIPE) as process:
        feed = "".join(f"{commit}\n" for commit in commits).encode()
        writer = start_writer(process.stdin, feed)
        header = ("", "", "")
        for item in parse_patches(process.stdout):
            if isinstance(item, FileChange):
                yield (*header, item)
            elif item.startswith(COMMIT_MARK):
                header = tuple(item[1:].decode("utf-8", "replace").split("\x00", 2))
        writer.join()


def start_writer(stream, data: bytes):
    """Feed a child's stdin from a thread while its stdout is read, so neither pipe fills up."""
    import threading

    def write():
        try:
            stream.write(data)
        except BrokenPipeError:
            pass
        finally:
            try:
                stream.close()
            except BrokenPipeError:
                pass

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def scan_commits(scanner, repo_dir: str, commits: list[tuple[str, str]], exclude: tuple = (),
                 warn=lambda message: None) -> ScanResult:
    started = time.perf_counter()
    result = ScanResult()
    tips = dict(commits)
    for commit, author, date, change in commit_changes(repo_dir, [c for c, _ in commits]):
        found = scan_change(scanner, change, result, repo_dir, commit, exclude, warn)
        for finding in found:
            finding.commit, finding.author, finding.date = commit, author, date
        result.findings.extend(found)
    mark_still_present(repo_dir, result.findings, tips)
    result.extra["commits"] = len(commits)
    result.findings.sort(key=Finding.sort_key)
    result.seconds = time.perf_counter() - started
    return result


def mark_still_present(repo_dir: str, findings: list[Finding], tips: dict) -> None:
    """in_head: the secret (for a file-name rule, the file) is still there at the pushed tip."""
    contents: dict = {}
    for finding in findings:
        key = (tips.get(finding.commit), finding.path)
        if key not in contents:
            contents[key] = try_git(["cat-file", "blob", f"{key[0]}:{finding.path}"], cwd=repo_dir)
        content = contents[key]
        finding.in_head = content is not None and (
            finding.line == 0 or finding.secret.encode("utf-8", "surrogateescape") in content)
