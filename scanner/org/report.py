"""The datastore as a report: findings the reporters in report/ can render, plus org summaries.

Each entry is one secret at one path of one repository, at the oldest commit that brought it
there (as `hushgate history` reports it), with the repository, the triage status and how many
repositories hold the same secret. Secrets found in the most repositories come first.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from ..record import Factory, record
from datetime import datetime, timezone

from ..findings import Finding, severity_rank
from ..pipeline import ScanResult
from ..store import queries

TOP_SECRETS = 10


@record
class StoredFinding(Finding):
    """A finding read back from the datastore: it only ever had the redacted preview."""
    preview: str = ""

    @property
    def secret_preview(self) -> str:
        return self.preview


@record
class OrgResult(ScanResult):
    org: dict = Factory(dict)

    def summary(self) -> dict:
        return {**super().summary(), **self.org}


def build_report(connection, statuses: tuple = (), repos: tuple = ()) -> OrgResult:
    rows = queries.occurrences(connection, statuses, repos)
    oldest: dict = {}
    in_head: dict = defaultdict(bool)
    for row in rows:
        key = (row.repo, row.path, row.fingerprint)
        in_head[key] |= row.in_head
        if key not in oldest or age(row) < age(oldest[key]):
            oldest[key] = row
    spread: dict = defaultdict(set)
    for repo, _, fingerprint in oldest:
        spread[fingerprint].add(repo)
    findings = [as_finding(row, in_head[key], len(spread[row.fingerprint])) for key, row in oldest.items()]
    findings.sort(key=lambda f: (-f.extra["repos"], -severity_rank(f.severity), f.fingerprint, f.extra["repo"],
                                 f.path, f.line))
    result = OrgResult(findings=findings)
    repositories = queries.repositories(connection)
    result.errors = [{"path": name, "error": error} for name, error, _ in repositories if error
                     and (not repos or name in repos)]
    result.files, result.bytes = queries.blob_totals(connection)
    scan = queries.last_scan(connection)
    result.seconds = scan.get("seconds") or 0.0
    result.org = summaries(findings, repositories, repos, scan)
    return result


def age(row) -> tuple:
    """Sort key for "oldest": the author date in UTC (git keeps each author's own offset)."""
    try:
        when = datetime.fromisoformat(row.date).astimezone(timezone.utc)
    except ValueError:  # no date: a ref pointing straight at a blob
        when = datetime.min.replace(tzinfo=timezone.utc)
    return when, row.commit, row.line, row.col


def as_finding(row, in_head: bool, repo_count: int) -> StoredFinding:
    return StoredFinding(
        rule_id=row.rule_id, title=row.title, path=row.path, line=row.line, column=row.col, end_column=row.end_col,
        secret="", entropy=row.entropy, severity=row.severity, confidence=row.confidence,
        remediation=row.remediation, tags=tuple(row.tags.split()), fingerprint=row.fingerprint,
        decoded_from=row.decoded_from or None, commit=row.commit or None, author=row.author or None,
        date=row.date or None, in_head=in_head, preview=row.preview,
        extra={"repo": row.repo, "status": row.status, "note": row.note, "repos": repo_count})


def summaries(findings: list, repositories: list, only_repos: tuple, scan: dict) -> dict:
    secrets = {f.fingerprint: f for f in findings}
    holders: dict = defaultdict(set)
    per_repo: dict = defaultdict(set)
    open_per_repo: dict = defaultdict(set)
    occurrences_per_rule: Counter = Counter()
    for f in findings:
        holders[f.fingerprint].add(f.extra["repo"])
        per_repo[f.extra["repo"]].add(f.fingerprint)
        occurrences_per_rule[f.rule_id] += 1
        if f.extra["status"] == "open":
            open_per_repo[f.extra["repo"]].add(f.fingerprint)
    secrets_per_rule = Counter(f.rule_id for f in secrets.values())
    widespread = sorted(secrets.values(), key=lambda f: (-len(holders[f.fingerprint]), f.fingerprint))
    names = [name for name, _, _ in repositories if not only_repos or name in only_repos]
    return {
        "repos": len(names),
        "repos_with_findings": len(per_repo),
        "repos_failed": sum(1 for name, error, _ in repositories if error and name in names),
        "unique_secrets": len(secrets),
        "by_status": dict(sorted(Counter(f.extra["status"] for f in secrets.values()).items())),
        "by_repo": [{"repo": repo, "secrets": len(per_repo[repo]), "open": len(open_per_repo[repo])}
                    for repo in sorted(per_repo, key=lambda r: (-len(per_repo[r]), r))],
        "by_rule": [{"rule_id": rule, "secrets": count, "occurrences": occurrences_per_rule[rule]}
                    for rule, count in sorted(secrets_per_rule.items(), key=lambda item: (-item[1], item[0]))],
        "most_widespread": [{"fingerprint": f.fingerprint, "rule_id": f.rule_id, "preview": f.secret_preview,
                             "status": f.extra["status"], "repos": sorted(holders[f.fingerprint])}
                            for f in widespread[:TOP_SECRETS]],
        "last_scan": scan,
    }
