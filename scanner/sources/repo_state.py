"""What an org scan asks git about one repository before scanning it: its refs (unchanged
refs mean nothing to do), its commits with their parents, and which of them are new.

Commits are content-addressed like blobs: a commit some earlier scan walked (in this repository
or in a fork of it) has the same changes everywhere, so only commits nobody walked yet are
listed for new blobs and walked for attribution.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .git import resolve_commit, run_git


@dataclass(frozen=True)
class RefState:
    digest: str  # changes whenever a ref or HEAD moves
    head: str | None
    loose: tuple  # (object id, refname) of refs that point at a blob or tree, not a commit


def ref_state(repo_dir: str) -> RefState:
    listing = run_git(["for-each-ref", "--format=%(objectname)%00%(objecttype)%00%(*objectname)%00"
                       "%(*objecttype)%00%(refname)"], cwd=repo_dir)
    head = resolve_commit(repo_dir, "HEAD")
    loose = []
    for line in listing.decode("utf-8", "surrogateescape").splitlines():
        oid, kind, peeled, peeled_kind, refname = line.split("\0")
        target, target_kind = (peeled, peeled_kind) if peeled else (oid, kind)
        if target_kind in ("blob", "tree"):
            loose.append((target, refname))
    digest = hashlib.sha256(listing + f"\0HEAD {head}".encode()).hexdigest()
    return RefState(digest, head, tuple(loose))


def commit_graph(repo_dir: str) -> dict:
    """commit -> parents, for every commit reachable from any ref or HEAD."""
    listing = run_git(["rev-list", "--all", "--parents"], cwd=repo_dir).decode()
    graph = {}
    for line in listing.splitlines():
        commit, *parents = line.split()
        graph[commit] = tuple(parents)
    return graph


@dataclass(frozen=True)
class NewHistory:
    commits: tuple  # never walked with this rule set
    listing: object  # history.Revisions for blob_entries: the objects those commits (and loose refs) bring
    walk: object  # history.Revisions for walk_history: those commits (None when there are none)


def new_history(graph: dict, walked: set, loose: tuple, head: str | None) -> NewHistory:
    """Revisions covering exactly the commits not walked yet (their walked parents excluded)."""
    from .history import Revisions  # the engine it imports is only needed when there is work

    fresh = tuple(commit for commit in graph if commit not in walked)
    if not walked:  # a first scan: the plain form, as `hushgate history` runs it
        everything = Revisions(("--all",), head)
        return NewHistory(fresh, everything, everything if fresh else None)
    boundary = sorted({parent for commit in fresh for parent in graph[commit] if parent in walked})
    excluded = tuple(f"^{parent}" for parent in boundary)
    targets = tuple(oid for oid, _ in loose)
    listing = Revisions((), head, fresh + targets + excluded) if fresh or targets else None
    walk = Revisions((), head, fresh + excluded) if fresh else None
    return NewHistory(fresh, listing, walk)
