"""Org source: the repositories an org scan covers, and a local copy of each one to read.

A SOURCE is a directory holding repositories (bare or with work trees, found up to three levels
down), or a text file listing repository paths and clone URLs, one per line (`#` comments).
Local repositories are read in place; URLs are fetched with plain `git` into a cache directory,
and never prompt: no terminal (a new session), no askpass program, ssh in batch mode, so a URL
that wants credentials fails that repository and the scan goes on. Credentials written into a
URL are used for the fetch but never stored, logged or shown.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from ..errors import HushgateError
from .git import discover, first_error_line, git_command, git_env

URL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://|[^/\s:]+@[^/\s:]+:)")
USERINFO = re.compile(r"(://)[^/@\s]+@")
MAX_DEPTH = 3
FETCH_TIMEOUT = 1800
# Transports a listed URL may use: `ext::` and friends would run commands.
NETWORK_CONFIG = (
    "protocol.allow=never", "protocol.https.allow=always", "protocol.http.allow=always",
    "protocol.ssh.allow=always", "protocol.git.allow=always", "protocol.file.allow=always",
    "core.hooksPath=/dev/null", "credential.interactive=never",
    "http.lowSpeedLimit=1000", "http.lowSpeedTime=120",
)


@dataclass(frozen=True)
class RepoRef:
    name: str  # what reports show
    location: str  # identity in the datastore: an absolute path, or the URL without credentials
    source: str  # directory, list or github
    url: str | None = None  # what to fetch (may hold credentials): None for a local repository
    auth_header: str | None = None  # an HTTP header for the fetch (GitHub token)
    default_branch: str | None = None


def redact_url(text: str) -> str:
    return USERINFO.sub(r"\1***@", text)


def is_url(text: str) -> bool:
    return bool(URL.match(text))


def looks_like_repo(path: Path) -> bool:
    if (path / ".git").exists():
        return True
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir()


def expand_sources(sources: list[str], skip: Path | None = None) -> list[RepoRef]:
    """Every repository the SOURCE arguments name, in a stable order, each location once;
    nothing under `skip` (the clone cache, should it sit inside a scanned directory)."""
    refs: dict[str, RepoRef] = {}
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found = [ref for ref in repos_in_directory(path)
                     if skip is None or not Path(ref.location).is_relative_to(skip.resolve())]
            if not found:
                raise HushgateError(f"{source}: no git repositories in this directory")
        elif path.is_file():
            found = repos_in_list(path)
        else:
            raise HushgateError(f"no such directory or file: {source}")
        for ref in found:
            refs.setdefault(ref.location, ref)
    return list(refs.values())


def repos_in_directory(root: Path) -> list[RepoRef]:
    root = root.resolve()
    if looks_like_repo(root):
        return [RepoRef(root.name, str(root), "directory")]
    found = []
    for path in sorted(walk_dirs(root, MAX_DEPTH)):
        found.append(RepoRef(path.relative_to(root).as_posix(), str(path), "directory"))
    return found


def walk_dirs(folder: Path, depth: int):
    try:
        children = sorted(p for p in folder.iterdir() if not p.name.startswith(".") and p.is_dir())
    except OSError:
        return
    for child in children:
        if looks_like_repo(child):
            yield child
        elif depth > 1:
            yield from walk_dirs(child, depth - 1)


def repos_in_list(listing: Path) -> list[RepoRef]:
    try:
        lines = listing.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise HushgateError(f"cannot read repository list {listing}: {getattr(exc, 'strerror', None) or exc}") from None
    refs = []
    for line in lines:
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        if is_url(entry):
            refs.append(RepoRef(url_name(entry), redact_url(entry), "list", url=entry))
        else:
            path = (listing.parent / entry).resolve()
            refs.append(RepoRef(entry.rstrip("/"), str(path), "list"))
    return refs


def url_name(url: str) -> str:
    """github.com/acme/api for https://user@github.com/acme/api.git or git@github.com:acme/api.git."""
    text = redact_url(url).replace("***@", "")
    text = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", text)
    text = re.sub(r"^[^/\s:]+@([^/\s:]+):", r"\1/", text)
    return text.rstrip("/").removesuffix(".git").strip("/") or url


def local_repo_dir(ref: RepoRef) -> str:
    """The directory to run git in for a local repository, which must be the repository itself
    (a folder inside another repository is not a repository of the organisation)."""
    repo = discover(ref.location)
    root = repo.work_tree or repo.git_dir
    if Path(root).resolve() != Path(ref.location).resolve():
        raise HushgateError(f"{ref.location} is not a repository (it is inside {root})")
    return root


class Fetcher:
    """Keeps local mirrors of URL repositories fresh; cancel() stops every fetch in flight."""

    def __init__(self, clone_dir: Path, all_refs: bool = False):
        self.clone_dir = Path(clone_dir)
        self.all_refs = all_refs
        self.running: set = set()
        self.lock = threading.Lock()
        self.cancelled = False

    def repo_dir(self, ref: RepoRef) -> str:
        if ref.url is None:
            return local_repo_dir(ref)
        target = self.clone_dir / mirror_name(ref)
        if not (target / "HEAD").is_file():
            partial = target.with_name(target.name + ".partial")
            shutil.rmtree(partial, ignore_errors=True)
            partial.mkdir(parents=True)
            try:
                self.git(ref, ["init", "--quiet", "--bare"], partial)
                self.fetch(ref, partial)
            except BaseException:
                shutil.rmtree(partial, ignore_errors=True)
                raise
            os.replace(partial, target)
        else:
            self.fetch(ref, target)
        return str(target)

    def fetch(self, ref: RepoRef, target: Path) -> None:
        refspecs = ["+refs/*:refs/*"] if self.all_refs else ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]
        self.git(ref, ["fetch", "--prune", "--quiet", "--no-write-fetch-head", "--", ref.url, *refspecs], target)
        branch = ref.default_branch or self.remote_head(ref, target)
        if branch:
            self.git(ref, ["symbolic-ref", "HEAD", f"refs/heads/{branch}"], target)

    def remote_head(self, ref: RepoRef, target: Path) -> str | None:
        listing = self.git(ref, ["ls-remote", "--symref", "--", ref.url, "HEAD"], target)
        for line in listing.splitlines():
            if line.startswith("ref: refs/heads/") and line.endswith("\tHEAD"):
                return line[len("ref: refs/heads/"):-len("\tHEAD")]
        return None

    def git(self, ref: RepoRef, args: list, cwd: Path) -> str:
        # After git_command's settings, which forbid every transport: these re-allow the safe ones.
        command = git_command([]) + [part for setting in NETWORK_CONFIG for part in ("-c", setting)] + list(args)
        with self.lock:
            if self.cancelled:
                raise HushgateError("cancelled")
            # A new session has no controlling terminal: nothing git or ssh runs can prompt.
            process = subprocess.Popen(command, cwd=cwd, env=network_env(ref), stdin=subprocess.DEVNULL,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
            self.running.add(process)
        try:
            out, err = process.communicate(timeout=FETCH_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise HushgateError(f"git {args[0]} {ref.location}: no answer in {FETCH_TIMEOUT}s") from None
        finally:
            with self.lock:
                self.running.discard(process)
        if process.returncode != 0:
            raise HushgateError(f"git {args[0]} {ref.location}: {redact_url(first_error_line(err))}")
        return out.decode("utf-8", "replace")

    def cancel(self) -> None:
        with self.lock:
            self.cancelled = True
            for process in self.running:
                process.kill()


def mirror_name(ref: RepoRef) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", ref.name)[-60:].strip("._") or "repo"
    return f"{slug}-{hashlib.sha256(ref.location.encode()).hexdigest()[:10]}.git"


def network_env(ref: RepoRef) -> dict:
    env = git_env()
    env.update(GIT_TERMINAL_PROMPT="0", GIT_ASKPASS="", SSH_ASKPASS="", GCM_INTERACTIVE="never")
    if "GIT_SSH" not in env and "GIT_SSH_COMMAND" not in env:
        env["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes -o ConnectTimeout=30"
    if ref.auth_header and ref.url and ref.url.startswith("https://"):
        # Through the environment, not the command line: other users can read a command line.
        origin = "/".join(ref.url.split("/", 3)[:3]) + "/"
        count = int(env.get("GIT_CONFIG_COUNT", "0") or 0)
        env.update({"GIT_CONFIG_COUNT": str(count + 1), f"GIT_CONFIG_KEY_{count}": f"http.{origin}.extraHeader",
                    f"GIT_CONFIG_VALUE_{count}": ref.auth_header})
    return env
