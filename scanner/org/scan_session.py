"""One `hushgate org scan` run: sources, lease, datastore, key, scanner and executor put
together from the command line, and the summary and exit code at the end.

Exit codes: 2 when any repository failed (or the scan could not run), else 1 when the scanned
repositories hold a secret still open in triage, else 0. Failures outrank findings because a
repository that could not be read may hide anything; the summary always states both.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from ..errors import HushgateError
from ..report.text import escape_control, human_size


class ScanSession:
    def __init__(self, args):
        self.args = args
        self.db = Path(args.db)
        self.clone_dir = Path(args.clone_dir or f"{self.db}.repos")
        self.scan = None
        self.connection = None
        self.open_secrets = self.open_repos = 0

    def run(self):
        from ..sources.org import Fetcher
        from ..store.db import open_datastore
        from ..store.key import check_key, datastore_key
        from ..store.lease import ScanLease
        from .progress import progress_for
        from .runner import OrgScan

        refs = self.repositories()
        with ScanLease(self.db, self.args.wait_for_lock):
            self.connection = open_datastore(self.db, create=True)
            key = datastore_key(self.db)
            check_key(self.connection, key, self.db)
            spec, exclude = self.spec(key)
            executor = self.executor(spec)
            fetcher = Fetcher(self.clone_dir, self.args.all_refs)
            with progress_for(sys.stderr, not self.args.no_progress) as progress:
                self.scan = OrgScan(self.connection, spec, executor, fetcher, progress, exclude,
                                    self.args.fetch_jobs)
                return self.scan.run(refs)

    def repositories(self) -> list:
        from ..sources.org import expand_sources

        refs = expand_sources(self.args.sources, skip=self.clone_dir)
        token = self.args.token or os.environ.get("GITHUB_TOKEN") or None
        for owner in self.args.github_org:
            from ..sources.github import DEFAULT_API, list_repositories

            refs += list_repositories(owner, self.args.github_api_url or DEFAULT_API, token, self.args.rate_limit_wait)
        if not refs:
            raise HushgateError("nothing to scan: give a SOURCE (directory or repository list) or --github-org NAME")
        unique = {}
        for ref in refs:
            unique.setdefault(ref.location, ref)
        return list(unique.values())

    def spec(self, key: bytes):
        from ..config import load_config
        from ..dist.tasks import ScanSpec
        from ..rules import load_rules
        from ..sources.blobs import DEFAULT_MAX_BLOB

        args = self.args
        config = load_config(args.config, Path.cwd())
        packs = list(config.rules) + list(args.rules)
        ruleset = load_rules(packs, use_defaults=not (args.no_default_rules or config.no_default_rules))
        rules_source = ""
        if args.gitleaks_config and args.gitleaks_config != "none":
            # Only an explicit, org-wide one: a repository must not choose the rules it is scanned with.
            import hashlib

            from ..cli.options import with_gitleaks

            ruleset = with_gitleaks(ruleset, args, Path.cwd())
            rules_source = hashlib.sha256(Path(args.gitleaks_config).read_bytes()).hexdigest()
        min_confidence = args.min_confidence or config.min_confidence or "low"
        max_blob = args.max_file_size or config.max_file_size or DEFAULT_MAX_BLOB
        exclude = tuple(args.exclude) + tuple(config.exclude)
        return ScanSpec(ruleset, args.engine, min_confidence, key, max_blob, rules_source=rules_source), exclude

    def executor(self, spec):
        if self.args.scheduler:
            from ..dist.dask import DaskExecutor

            return DaskExecutor(self.args.scheduler, spec)
        from ..dist.pool import local_executor

        return local_executor(spec, self.args.jobs or os.cpu_count() or 1)

    def summary(self, interrupted: bool = False) -> str:
        if self.scan is None:
            return "hushgate org scan: interrupted before scanning"
        from ..store.scans import open_findings

        totals = self.scan.totals
        self.open_secrets, self.open_repos = open_findings(self.connection, totals.repo_ids)
        done = totals.scanned + totals.unchanged + len(totals.failures)
        head = (f"hushgate org scan interrupted after {done} of {totals.repos} repositories" if interrupted
                else f"hushgate org scan: {totals.repos} repositories")
        lines = [f"{head}: {totals.scanned} scanned, {totals.unchanged} unchanged, {len(totals.failures)} failed; "
                 f"{totals.blobs:,} blobs read ({human_size(totals.bytes)}), {totals.reused:,} already known; "
                 f"{totals.seconds:.1f}s.",
                 f"{self.open_secrets} open secret{'s' if self.open_secrets != 1 else ''} in {self.open_repos} "
                 f"repositor{'ies' if self.open_repos != 1 else 'y'}"
                 + (f" (see: hushgate org report --db {self.db})." if self.open_secrets else ".")]
        if totals.skipped:
            lines.append(f"{totals.skipped:,} blobs skipped as binary or larger than --max-file-size.")
        if totals.blob_errors:
            lines.append(f"{totals.blob_errors} blobs could not be scanned completely (a rule timed out).")
        lines += [f"failed: {escape_control(name)}: {error}" for name, error in totals.failures]
        if interrupted:
            lines.append("Everything scanned so far is saved: run the same command again to resume.")
        elif totals.failures:
            lines.append(f"exit 2: {len(totals.failures)} repositories could not be scanned"
                         + (" (and open secrets were found)." if self.open_secrets else "."))
        return "\n".join(lines)

    def exit_code(self, totals) -> int:
        if totals.failures:
            return 2
        return 1 if self.open_secrets else 0
