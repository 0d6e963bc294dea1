"""Console report: findings grouped by file, each with what to do about it, then a summary."""
from __future__ import annotations

from itertools import groupby

from .text import escape_control, human_size

SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}


def counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary_line(result) -> str:
    summary = result.summary()
    count = len(result.findings)
    files_with = len({f.path for f in result.findings})
    head = f"{counted(count, 'secret')} found in {counted(files_with, 'file')}" if count else "No secrets found"
    scanned = f"{counted(summary['files'], 'file')}, {human_size(summary['bytes'])} scanned in {summary['seconds']:.2f}s"
    extras = [f"{summary['skipped']} skipped"] if summary["skipped"] else []
    extras += [counted(summary["errors"], "error")] if summary["errors"] else []
    extras += [f"{k.replace('_', ' ')}: {v}" for k, v in summary.items()
               if k not in ("files", "bytes", "findings", "skipped", "skipped_by_reason", "errors", "seconds")
               and isinstance(v, (int, str)) and v]
    return f"{head} ({scanned}{'; ' + ', '.join(extras) if extras else ''})."


def finding_lines(finding, show_secrets: bool) -> list[tuple[str, str]]:
    """(text, style) pieces of one finding."""
    secret = finding.secret if show_secrets else finding.secret_preview
    where = f"{finding.line}:{finding.column}" if finding.line else "file"
    lines = [(f"  {where:>8}  {finding.title} [{finding.rule_id}]  {escape_control(secret)}  "
              f"severity={finding.severity} confidence={finding.confidence}", SEVERITY_STYLE.get(finding.severity, ""))]
    if finding.commit:
        lines.append((f"            commit {finding.commit[:12]} by {escape_control(finding.author or '?')} "
                      f"on {finding.date or '?'}{'' if finding.in_head else ' (no longer at HEAD)'}", "dim"))
    if finding.remediation:
        lines.append((f"            fix: {finding.remediation.strip()}", "dim"))
    return lines


def report_lines(result, show_secrets: bool) -> list[tuple[str, str]]:
    lines = []
    for path, group in groupby(result.findings, key=lambda f: f.path):
        lines.append((escape_control(path), "bold"))
        for finding in group:
            lines.extend(finding_lines(finding, show_secrets))
    for error in result.errors:
        lines.append((f"warning: {escape_control(error['path'])}: {escape_control(error['error'])}", "yellow"))
    if result.findings:
        lines.append(("To allow a false positive, add `hushgate:allow` in a comment on its line, "
                      "or baseline it (docs/user-guide.md).", "dim"))
    lines.append((summary_line(result), "bold red" if result.findings else "green"))
    return lines


def render(result, show_secrets: bool = False, color: bool = False) -> str:
    return render_lines(report_lines(result, show_secrets), color)


def render_lines(lines: list[tuple[str, str]], color: bool) -> str:
    """(text, style) lines as plain text, or styled by rich for a terminal."""
    # Titles and remediation come from rule packs, which a scanned repository's config can name:
    # every line is escaped, not only the file names.
    lines = [(escape_control(text), style) for text, style in lines]
    if not color:
        return "".join(text + "\n" for text, _ in lines)
    from io import StringIO

    from rich.console import Console
    from rich.text import Text

    buffer = StringIO()
    console = Console(file=buffer, force_terminal=True, highlight=False, soft_wrap=True)
    for text, style in lines:
        console.print(Text(text, style=style))
    return buffer.getvalue()
