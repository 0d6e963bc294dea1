"""The org report for people: status, repository and rule summaries, the secrets spread the
widest, every finding, and the repositories that could not be scanned."""
from __future__ import annotations

from ..report.console import SEVERITY_STYLE, render_lines
from ..report.text import escape_control

STATUS_STYLE = {"open": "bold red", "revoked": "green", "false-positive": "dim", "accepted": "yellow"}


def report_lines(result) -> list[tuple[str, str]]:
    org = result.org
    lines = [(f"hushgate org report: {org['repos']} repositories, {org['unique_secrets']} distinct secrets "
              f"in {org['repos_with_findings']} of them"
              + (f", {org['repos_failed']} failed at their last scan" if org["repos_failed"] else ""), "bold")]
    scan = org.get("last_scan") or {}
    if scan:
        lines.append((f"last scan: {scan['started']} ({scan['status']})", "dim"))
    if org["by_status"]:
        lines.append(("by status: " + ", ".join(f"{k} {v}" for k, v in org["by_status"].items()), ""))
    if org["by_repo"]:
        lines.append(("by repository:", "bold"))
        lines += [(f"  {escape_control(r['repo'])}: {r['secrets']} secrets ({r['open']} open)", "") for r in org["by_repo"]]
    if org["by_rule"]:
        lines.append(("by rule:", "bold"))
        lines += [(f"  {r['rule_id']}: {r['secrets']} secrets, {r['occurrences']} places", "") for r in org["by_rule"]]
    shared = [s for s in org["most_widespread"] if len(s["repos"]) > 1]
    if shared:
        lines.append(("secrets in the most repositories:", "bold"))
        lines += [(f"  {s['fingerprint'][:12]}  {s['rule_id']}  {escape_control(s['preview'])}  [{s['status']}]  in "
                   f"{len(s['repos'])}: {escape_control(', '.join(s['repos']))}", STATUS_STYLE.get(s["status"], ""))
                  for s in shared]
    if result.findings:
        lines.append(("findings:", "bold"))
    for f in result.findings:
        where = f"{f.path}:{f.line}:{f.column}" if f.line else f.path
        lines.append((f"  [{f.extra['status']}] {escape_control(f.extra['repo'])}  {escape_control(where)}  {f.title} "
                      f"[{f.rule_id}]  {escape_control(f.secret_preview)}  fingerprint {f.fingerprint[:12]}",
                      SEVERITY_STYLE.get(f.severity, "") if f.extra["status"] == "open" else "dim"))
        if f.commit:
            lines.append((f"      commit {f.commit[:12]} by {escape_control(f.author or '?')} on {f.date or '?'}"
                          f"{'' if f.in_head else ' (no longer at HEAD)'}", "dim"))
    for error in result.errors:
        lines.append((f"failed: {escape_control(error['path'])}: {escape_control(error['error'])}", "yellow"))
    if result.findings:
        lines.append(("triage with: hushgate org triage FINGERPRINT --status false-positive|revoked|accepted "
                      "--note TEXT --db FILE", "dim"))
    return lines


def render(result, show_secrets: bool = False, color: bool = False) -> str:
    return render_lines(report_lines(result), color)
