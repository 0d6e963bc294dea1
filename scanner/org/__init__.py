"""Org scans: many repositories, one datastore, each blob and each commit read once.

sources.org (which repositories) -> runner (plans each repository, sends blob batches to an
executor in dist/, walks new commits, writes results) -> store (the datastore) -> report.
"""
